"""Cue words a reader looks for in a paper's sentences: what states a problem, a result, a limitation, a training
setup, a design choice, a metric, the paper's own work, or a citation.  Shared by the reading note's passage choice
(:mod:`paperpal.tasks.note_plan`), the slides' questions (:mod:`paperpal.slides.questions`) and the comparison
table's cells (:mod:`paperpal.tasks.compare_cells`); written from, and checked on, train-split papers.
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
                               r"in the future|future directions?|it would be interesting to|(have|has) not (been )?"
                               r"(explored|studied|investigated|addressed)|(left|remains?) for (the )?future|"
                               r"challenges? (left|remains?)|only guaranteed|underfits?)\b", re.IGNORECASE)  # fmt: skip
SETUP = re.compile(r"\b(we (use[ds]?|train|set|follow|run|ran|sample|tune|fine-tune|evaluate on|employ\w*|conduct\w*|"
                   r"perform)|"
                   r"(were|was) (obtained|computed|measured) (with|using)|temperature|hyper-?parameters?|batch size|"
                   r"learning rate|dropout|epochs?|held out|dev set|development set|split|warm-?up|initiali[sz]ed|"
                   r"we randomly|implementation|trained (on|for|with|using))\b", re.IGNORECASE)  # fmt: skip
RESULT_VERB = re.compile(r"\b(achiev\w*|outperform\w*|improv\w*|state[- ]of[- ]the[- ]art|surpass\w*|gains?|better|"
                         r"reach\w*|obtain\w*|exceed\w*|matches|comparable|speed-?up|faster|reduc\w*|accuracy|"
                         r"bleu|f1|perplexity|score\w*|preferred|wins?|beats?)\b", re.IGNORECASE)  # fmt: skip
# A finding: a comparison or a gain (not a metric named in a setup: "We computed our BLEU scores using …").
FINDING = re.compile(r"\b(outperform\w*|improv\w*|better|worse|higher|lower|achiev\w*|surpass\w*|exceed\w*|reduc\w*|"
                     r"faster|slower|gains?|state[- ]of[- ]the[- ]art|matches|comparable|beats?|wins?|preferred|"
                     r"significantly)\b", re.IGNORECASE)  # fmt: skip
# A sentence that states a design choice and its reason ("instead of", "rather than", "in order to", "we chose").
DESIGN = re.compile(r"\b(instead of|rather than|in order to|so that|because|unlike|in contrast to|to (avoid|prevent|"
                    r"reduce|allow|enable|counteract|mitigate|ensure)|we (chose|choose|opt|replace|modify|found it)|"
                    r"allows?|enables?|avoids?)\b", re.IGNORECASE)  # fmt: skip
# A sentence about the paper's own work ("we", "our", "this paper"), and one that gives that work its name ("we
# propose …", "called …": the name stands just after).
OWN_WORK = re.compile(r"\b(we|our|this (paper|work|method|approach|model))\b", re.IGNORECASE)
INTRODUCES = re.compile(r"\b(we (propose|present|introduce|call|name|develop|design)|(called|named|dubbed|coined)\b)",
                        re.IGNORECASE)  # fmt: skip
# A metric's name, and a sentence that says which metrics are reported ("We report BLEU …", "… is used as the
# evaluation metric"), for a comparison table's metrics column.
METRICS = re.compile(r"\b(accuracy|bleu|rouge[-\w]*|f1|f-?(score|measure)|perplexity|exact match|precision|recall|"
                     r"auc|error rates?|wer|meteor|mrr|ndcg|win rates?|elo|pass@\d+|spearman|pearson|"
                     r"correlations?|mse|rmse|top-?[15]|latency|throughput|speed-?ups?)\b", re.IGNORECASE)  # fmt: skip
REPORTS_METRIC = re.compile(r"\b(we (report|use|used|measure|measured|compute|computed|evaluate|adopt)|(are|is) "
                            r"(reported|measured|computed|used|evaluated)|evaluation metrics?|metrics?|measured (by|in|"
                            r"with)|in terms of|scored (by|with|using))\b", re.IGNORECASE)  # fmt: skip
# What a paper proposes ("we propose …", "the key idea", "X is a new … model"), words that say how something works
# ("which", "by", "based on", "replaces", "learns"), and a sentence that reports a finding rather than the idea
# ("we demonstrate …", "results show …"), for the paper's core idea (:mod:`paperpal.tasks.core_idea`).
PROPOSES = re.compile(r"\b(we (propose|present|introduce|develop|describe|design|build|call)|(this|the) (paper|work) "
                      r"(proposes|presents|introduces)|the key idea|our (approach|method|model|framework)|"
                      r"is a (new |novel |simple )?\w*\s?(model|method|approach|architecture|algorithm|framework|"
                      r"network|objective))\b", re.IGNORECASE)  # fmt: skip
MECHANISM = re.compile(r"\b(which|that|by|using|uses?|based (solely )?on|consists?|composed|combin\w*|replac\w*|"
                       r"instead of|rather than|freez\w*|inject\w*|learns?|predicts?|maximiz\w*|minimiz\w*|"
                       r"computes?|encod\w*|decod\w*|attention|layers?|objective|loss|architecture|algorithm|"
                       r"representations?|generat\w*|corrupt\w*|mask\w*|train\w*|in which|where)\b", re.IGNORECASE)  # fmt: skip
REPORTS_FINDING = re.compile(r"\b((we|and) (demonstrate|show|report|find|found|observe|evaluate|achieve|analy[sz]e)|"
                             r"showing that|experiments? (show|demonstrate)|results? (show|demonstrate)|outperform\w*|"
                             r"state[- ]of[- ]the[- ]art)\b", re.IGNORECASE)  # fmt: skip
# A sentence that cites ("et al", "[12]", "2018)"), and the citations themselves, to be read past.
CITES = re.compile(r"\bet al\b|\[\d+(?:[,–-] ?\d+)*\]|\b(19|20)\d\d[a-z]?\)")
CITATION = re.compile(r"\([^()]*\b(19|20)\d\d[a-z]?\)|\[[^\]]*\]|\b[A-Z][\w-]+( and [A-Z][\w-]+)? et al\.?"
                      r"( \(\d{4}[a-z]?\))?")  # fmt: skip
