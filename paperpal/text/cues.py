"""Cue words a reader looks for in a paper's sentences: what states a problem, a result, a limitation, a training
setup, a design choice, or the paper's own work.  Shared by the reading note's passage choice (:mod:`paperpal.tasks.note_plan`) and the
slides' questions (:mod:`paperpal.slides.questions`); written from, and checked on, train-split papers.
"""

from __future__ import annotations

import re

PROBLEM = re.compile(
    r"\b(however|challeng\w*|problem\w*|difficult\w*|expensive|costly|limited|limitations?|bottleneck\w*|suffer\w*|"
    r"lack\w*|remains?|inefficien\w*|prohibitive\w*|unable|drawbacks?|infeasible|hard|issues?|struggle\w*|"
    r"requires?|impractical|not (yet|well|clear))\b", re.IGNORECASE)  # fmt: skip
LIMITATION = re.compile(
    r"\b(limitations?|future work|future research|leave\w*|left for|does not|do not|did not|cannot|can not|"
    r"not straightforward|fails?|failure|drawbacks?|restricted|open (question|problem)s?|unclear|not yet|worse|"
    r"hurts?|degrad\w*|challenging|expensive|costly|shortcomings?|caveats?|remains? (an? )?(open|challenge)|"
    r"not (always|clear|able|sufficient)|struggle\w*|biased|harmful|errors?)\b", re.IGNORECASE)  # fmt: skip
STRONG_LIMITATION = re.compile(r"\b(limitations?|future work|leave \w+ (to|for) future|drawbacks?|downsides?|shortcomings?|"
                               r"open (question|problem)s?|does not|do not|cannot|fails? to|we plan to|we intend to|"
                               r"in the future|future directions?|it would be interesting to)\b", re.IGNORECASE)  # fmt: skip
SETUP = re.compile(r"\b(we (use[ds]?|train|set|follow|run|ran|sample|tune|fine-tune|evaluate on|employ\w*|conduct\w*|"
                   r"perform)|"
                   r"(were|was) (obtained|computed|measured) (with|using)|temperature|hyper-?parameters?|batch size|"
                   r"learning rate|dropout|epochs?|held out|dev set|development set|split|warm-?up|initiali[sz]ed|"
                   r"we randomly|implementation|trained (on|for|with|using))\b", re.IGNORECASE)  # fmt: skip
RESULT_VERB = re.compile(r"\b(achiev\w*|outperform\w*|improv\w*|state[- ]of[- ]the[- ]art|surpass\w*|gains?|better|"
                         r"reach\w*|obtain\w*|exceed\w*|matches|comparable|speed-?up|faster|reduc\w*|accuracy|"
                         r"bleu|f1|perplexity|score\w*|preferred|wins?|beats?)\b", re.IGNORECASE)  # fmt: skip
# A sentence that states a design choice and its reason ("instead of", "rather than", "in order to", "we chose").
DESIGN = re.compile(r"\b(instead of|rather than|in order to|so that|because|unlike|in contrast to|to (avoid|prevent|"
                    r"reduce|allow|enable|counteract|mitigate|ensure)|we (chose|choose|opt|replace|modify|found it)|"
                    r"allows?|enables?|avoids?)\b", re.IGNORECASE)  # fmt: skip
# A sentence about the paper's own work ("we", "our", "this paper"), and one that gives that work its name ("we
# propose …", "called …": the name stands just after).
OWN_WORK = re.compile(r"\b(we|our|this (paper|work|method|approach|model))\b", re.IGNORECASE)
INTRODUCES = re.compile(r"\b(we (propose|present|introduce|call|name|develop|design)|(called|named|dubbed|coined)\b)",
                        re.IGNORECASE)  # fmt: skip
