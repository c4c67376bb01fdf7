"""Cue words a reader looks for in a paper's sentences: what states a problem, a result, a limitation, a training
setup, a design choice, a metric, the paper's own work, or a citation.  Shared by the reading note's passage choice
(:mod:`paperpal.tasks.note_plan`), the slides' questions (:mod:`paperpal.slides.questions`) and the comparison
table's cells (:mod:`paperpal.tasks.compare_cells`); written from, and checked on, train-split papers.

A cue that a Chinese paper's sentences can carry too is a :class:`Cue`: its English pattern and its Chinese cue
words (matched as written: Chinese has no word boundaries).  The Chinese words were written from how Chinese papers
phrase these things, not from a paper of the corpus (its one readable Chinese paper is an ``eval`` paper).
"""

from __future__ import annotations

import re
from collections.abc import Iterator


class Cue:
    """An English cue pattern and its Chinese cue words, searched like one compiled pattern."""

    def __init__(self, english: re.Pattern, chinese: str = ""):
        self.english = english
        self.chinese = re.compile(chinese) if chinese else None

    def search(self, text: str) -> re.Match | None:
        return self.english.search(text) or (self.chinese.search(text) if self.chinese else None)

    def finditer(self, text: str) -> Iterator[re.Match]:
        yield from self.english.finditer(text)
        if self.chinese:
            yield from self.chinese.finditer(text)

    def findall(self, text: str) -> list:
        return [m.group() for m in self.finditer(text)]


PROBLEM = Cue(re.compile(
    r"\b(however|unfortunately|challeng\w*|problem\w*|difficult\w*|expensive|costly|limited|limitations?|bottleneck\w*|suffer\w*|"
    r"lack\w*|remains?|inefficien\w*|prohibitive\w*|unable|drawbacks?|infeasible|hard|issues?|struggle\w*|"
    r"requires?|impractical|not (yet|well|clear))\b", re.IGNORECASE),
    "然而|但是|问题|挑战|困难|难以|瓶颈|局限|不足|缺乏|缺少|昂贵|代价|耗时|无法|不能|受限|仍然")  # fmt: skip
LIMITATION = Cue(re.compile(
    r"\b(limitations?|future work|future research|leave\w*|left for|does not|do not|did not|cannot|can not|"
    r"not straightforward|fails?|failure|drawbacks?|restricted|open (question|problem)s?|unclear|not yet|worse|"
    r"hurts?|degrad\w*|challenging|expensive|costly|shortcomings?|caveats?|remains? (an? )?(open|challenge)|"
    r"not (always|clear|able|sufficient)|struggle\w*|biased|harmful|errors?)\b", re.IGNORECASE),
    "局限|不足|未来|今后|尚未|有待|无法|不能|失败|缺点|缺陷|较差|下降|困难|挑战|限制|错误")  # fmt: skip
# How a Chinese paper names a limitation or future work (both STRONG_LIMITATION and OPEN_END).
_ZH_OPEN_END = "局限性|不足之处|(?:未来|今后).{0,6}?(?:工作|研究|方向)|将来|有待进一步|留待|留给未来|尚未被?(探索|研究|解决)|缺点|缺陷|我们计划|我们打算"
STRONG_LIMITATION = Cue(re.compile(r"\b(limitations?|future work|leave \w+ (to|for) future|drawbacks?|downsides?|shortcomings?|"
                               r"open (question|problem)s?|does not|do not|cannot|fails? to|we plan to|we intend to|"
                               r"in the future|future directions?|it would be interesting to|(have|has) not (been )?"
                               r"(explored|studied|investigated|addressed)|(left|remains?) for (the )?future|"
                               r"challenges? (left|remains?)|only guaranteed|underfits?)\b", re.IGNORECASE),
    _ZH_OPEN_END)  # fmt: skip
# What the paper itself leaves open: a limitation, a downside or future work it names (narrower than
# STRONG_LIMITATION: "we do not use …" states a design choice, not an open end).
OPEN_END = Cue(re.compile(r"\b(limitations?|disadvantages?|future work|future research|future directions?|leave \w+ (to|for) future|"
                          r"drawbacks?|downsides?|shortcomings?|open (question|problem)s?|we plan to|we intend to|"
                          r"in the future|it would be interesting to|(left|remains?) for (the )?future|"
                          r"(have|has) not (yet )?(been )?(explored|studied|investigated|addressed))\b", re.IGNORECASE),
    _ZH_OPEN_END)  # fmt: skip
# A weakness named as such ("LoRA also has its limitations", "a drawback of …"), not only "does not"/"cannot", which
# also describe a design ("FlashAttention does not read and write the large attention matrix").
NAMED_LIMITATION = Cue(re.compile(r"\b(limitations?|drawbacks?|downsides?|shortcomings?|weakness(es)?|fails? to|"
                                  r"struggles? (to|with))\b", re.IGNORECASE), "局限|缺点|缺陷|不足之处")  # fmt: skip
FUTURE_WORK = re.compile(r"\b(future work|future research|we plan to|we intend to|in the future|future directions?|"
                         r"it would be interesting to|leave \w+ (to|for) future|we hope to)\b", re.IGNORECASE)  # fmt: skip
_CHOICE = re.compile(r"\bwe (do|did) not\b", re.IGNORECASE)  # "we do not randomly inject short sequences": a design choice


def states_limitation(text: str) -> bool:
    """Whether ``text`` states a limitation or a failure ("LoRA also has its limitations", "cannot"), not only a
    plan for future work and not a design choice ("we do not inject short sequences")."""
    limits = [m for m in STRONG_LIMITATION.finditer(text)
              if not FUTURE_WORK.fullmatch(m.group()) and not _CHOICE.search(text[max(0, m.start() - 4) : m.end()])]
    return bool(limits) and not all(FUTURE_WORK.search(text[max(0, m.start() - 30) : m.end() + 30]) for m in limits)


# What a run was made on, counted ("one machine with 8 P100 GPUs", "40 CPUs"): not how the method works.
HARDWARE = re.compile(r"\b((\d+|two|four|eight|sixteen|multiple|many)\s+([\w-]+\s+){0,2}(GPUs|TPUs|CPUs|cores|machines|"
                      r"processors)|one machine)\b", re.IGNORECASE)  # fmt: skip
# Data described by its size ("Our data are 16,000 documents from …", "a corpus with approximately 30 million
# sentences"): what the experiments used, not how the method works.
DATA_SIZE = re.compile(r"\b(data|corpus|corpora|data ?sets?|training set)\b[^.;]{0,60}?\b\d[\d,.]*\s*(thousand|million|"
                       r"billion|[kmb])?\s+(documents|sentences|sentence pairs|tokens|words|articles|examples|images|"
                       r"reviews|questions|dialogues)\b", re.IGNORECASE)  # fmt: skip
SETUP = Cue(re.compile(r"\b(we (use[ds]?|train|set|follow|run|ran|sample|tune|fine-tune|evaluate on|employ\w*|conduct\w*|"
                   r"perform)|"
                   r"(were|was|are|is) (obtained|computed|measured) (with|using)|temperature|hyper-?parameters?|batch size|"
                   r"learning rate|dropout|epochs?|held out|dev set|development set|split|warm-?up|initiali[sz]ed|"
                   r"we randomly|implementation|trained (on|for|with|using))\b", re.IGNORECASE),
    "我们使用|我们采用|我们设置|我们遵循|批大小|批次大小|学习率|超参数|轮次|预热|初始化|开发集|验证集|实现细节|训练了")  # fmt: skip
RESULT_VERB = Cue(re.compile(r"\b(achiev\w*|outperform\w*|improv\w*|state[- ]of[- ]the[- ]art|surpass\w*|gains?|better|"
                         r"reach\w*|obtain\w*|exceed\w*|matches|comparable|speed-?up|faster|reduc\w*|accuracy|"
                         r"bleu|f1|perplexity|score\w*|preferred|wins?|beats?)\b", re.IGNORECASE),
    "达到|取得|优于|超过|超越|提升|提高|改进|刷新|最优|最好|准确率|得分|分数")  # fmt: skip
# A finding: a comparison or a gain (not a metric named in a setup: "We computed our BLEU scores using …").
FINDING = Cue(re.compile(r"\b(outperform\w*|improv\w*|better|worse|higher|lower|achiev\w*|surpass\w*|exceed\w*|reduc\w*|"
                     r"faster|slower|gains?|state[- ]of[- ]the[- ]art|matches|comparable|beats?|wins?|preferred|"
                     r"significantly|lags? behind|times (more|fewer|less)|outscor\w*|increas\w*|decreas\w*|drops?)\b",
                     re.IGNORECASE),
    "优于|超过|超越|提升|提高|改进|降低|减少|更好|更差|更快|更慢|最优|显著")  # fmt: skip
# A sentence that states a design choice and its reason ("instead of", "rather than", "in order to", "we chose").
DESIGN = re.compile(r"\b(instead of|rather than|in order to|so that|because|unlike|in contrast to|to (avoid|prevent|"
                    r"reduce|allow|enable|counteract|mitigate|ensure)|we (chose|choose|opt|replace|modify|found it)|"
                    r"allows?|enables?|avoids?)\b", re.IGNORECASE)  # fmt: skip
# A sentence about the paper's own work ("we", "our", "this paper"), and one that gives that work its name ("we
# propose …", "called …": the name stands just after).
OWN_WORK = Cue(re.compile(r"\b(we|our|this (paper|work|method|approach|model))\b", re.IGNORECASE),
    "我们|本文|本研究|本工作")
INTRODUCES = re.compile(r"\b(we (propose|present|introduce|call|name|develop|design)|(called|named|dubbed|coined)\b)",
                        re.IGNORECASE)  # fmt: skip
# A metric's name, and a sentence that says which metrics are reported ("We report BLEU …", "… is used as the
# evaluation metric"), for a comparison table's metrics column.
METRICS = re.compile(r"\b(accuracy|bleu|rouge[-\w]*|f1|f-?(score|measure)|perplexity|exact[- ]match|(?<!mixed )(?<!half )(?<!full )(?<!single )(?<!double )(?<!mixed-)(?<!half-)(?<!full-)(?<!single-)(?<!double-)precision|recall|"
                     r"auc|error rates?|wer|meteor|mrr|ndcg|win rates?|elo|pass@\d+|spearman|pearson|"
                     r"correlations?|mse|rmse|top-?[15]|latency|throughput|speed-?ups?|bits[ /-]?(per[ -])?(dim|character|char|byte)|"
                     r"bpc|bpd)\b", re.IGNORECASE)  # fmt: skip
REPORTS_METRIC = re.compile(r"\b(we (report|use|used|measure|measured|compute|computed|evaluate|adopt)|(are|is) "
                            r"(reported|measured|computed|used|evaluated)|evaluation metrics?|metrics?|measured (by|in|"
                            r"with)|in terms of|scored (by|with|using))\b", re.IGNORECASE)  # fmt: skip
# What a paper proposes ("we propose …", "the key idea", "X is a new … model"), words that say how something works
# ("which", "by", "based on", "replaces", "learns"), and a sentence that reports a finding rather than the idea
# ("we demonstrate …", "results show …"), for the paper's core idea (:mod:`paperpal.tasks.core_idea`).
PROPOSES = Cue(re.compile(r"\b(we (propose|present|introduce|develop|describe|design|build|call)|(this|the) (paper|work) "
                      r"(proposes|presents|introduces)|the key idea|our (approach|method|model|framework)|"
                      r"is a (new |novel |simple )?\w*\s?(model|method|approach|architecture|algorithm|framework|"
                      r"network|objective))\b", re.IGNORECASE),
    "我们提出|本文提出|提出了一种|我们介绍|我们引入|我们设计|我们构建|本文介绍|关键思想|核心思想")  # fmt: skip
MECHANISM = Cue(re.compile(r"\b(which|that|by|using|uses?|based (solely )?on|consists?|composed|combin\w*|replac\w*|"
                       r"instead of|rather than|freez\w*|inject\w*|learns?|predicts?|maximiz\w*|minimiz\w*|"
                       r"computes?|encod\w*|decod\w*|attention|layers?|objective|loss|architecture|algorithm|"
                       r"representations?|generat\w*|corrupt\w*|mask\w*|train\w*|in which|where)\b", re.IGNORECASE),
    "通过|使用|基于|由|组成|结合|替换|代替|而不是|冻结|注入|学习|预测|最大化|最小化|计算|编码|解码|注意力|目标函数|损失|架构|算法|表示|生成|遮蔽|训练|其中")  # fmt: skip
REPORTS_FINDING = re.compile(r"\b((we|and) (empirically )?(demonstrate|show|report|find|found|observe|evaluate|achieve|"
                             r"analy[sz]e|validate|verif(y|ied)|confirm(ed)?)|we have (thus |also )?been able to|we (can )?see that|"
                             r"showing that|experiments? (show|demonstrate)|results? (show|demonstrate)|outperform\w*|"
                             r"state[- ]of[- ]the[- ]art)\b", re.IGNORECASE)  # fmt: skip
# A sentence that cites ("et al", "[12]", "2018)"), and the citations themselves, to be read past.
CITES = re.compile(r"\bet al\b|\[\d+(?:[,–-] ?\d+)*\]|\b(19|20)\d\d[a-z]?\)")
CITATION = re.compile(r"\([^()]*\b(19|20)\d\d[a-z]?\)|\[[^\]]*\]|\b[A-Z][\w-]+( and [A-Z][\w-]+)? et al\.?"
                      r"( \(\d{4}[a-z]?\))?")  # fmt: skip
NAMES_ITS_OWN = re.compile(r"\b(we (call|dub|name|term|refer to)|(which|that) we (call|dub|name|term))\b",
                           re.IGNORECASE)  # fmt: skip
RELEASES = re.compile(r"\b((is|are|will be) (made )?(publicly |freely |open[- ]?sourced? )?(available|released)|"
                      r"available (at|from|on|online|here)|released? (at|on|under)|we (release|provide|open[- ]source|"
                      r"make)|(code|implementations?|models?|weights|checkpoints) ?:|can be (found|obtained|downloaded) "
                      r"(at|from|on))", re.IGNORECASE)  # fmt: skip
URL = re.compile(r"(?:https?://|www\.|goo\.gl/|(?<![\w.@/])(?=(?:github|gitlab)\.com/))[^\s<>()\[\]{}\"'“”]+",
                 re.IGNORECASE)  # fmt: skip
