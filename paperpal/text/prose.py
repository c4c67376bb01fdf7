"""Is a sentence of a paper readable prose a note or a slide can show, and its readable form.

PDF text mixes prose with what is not: figure text run into a sentence, flattened table rows, formulas, captions,
footnotes.  :func:`is_prose` keeps a sentence a reader would quote; :func:`readable` is how the paper's own words are
shown as a statement (citations and footnote marks left out, the sentence otherwise as printed).
"""

from __future__ import annotations

import re

from .normal import CJK, normalise

_CAPTION = re.compile(r"^(figure|fig\.|table|tab\.|algorithm)\s*\d+[.:]|^(left|right|top|bottom|middle)\s*:",
                      re.IGNORECASE)  # fmt: skip
_CAPTION_INSIDE = re.compile(r"\b(Figure|Fig\.|Table)\s*\d+:")  # figure text run into a caption
_CITED_OBJECT = re.compile(r"\b(to|of|by|in|with|as|from|see|following|e\.g\.|i\.e\.|and|or)$", re.IGNORECASE)
_MATH = re.compile(r"[=≤≥≪≫∈∑∏√∇∂∞±×÷→←↔⊕⊗∀∃∆Δθλσμπφψω|^_{}]")
_CITATION = re.compile(
    r"\s?\((?:[A-Z][^()]{0,80}?(?:et al\.?|&|and [A-Z][a-z]+)?,? (?:19|20)\d\d[a-z]?(?:[;,] ?[^()]{0,80}?(?:19|20)\d\d[a-z]?)*)\)"
    r"|\s?\[\d+(?:[,–-] ?\d+)*\]"
)
# "implementation1 facilitating" -> a footnote mark; not the digit of a short name ("text8", "enwik8", "v1.1")
_FOOTNOTE = re.compile(r"(?<=[a-z]{6})\d(?=[\s,;]|\.(?!\d))|(?<=\))\d(?=[\s,;]|\.(?!\d))")
_START = re.compile(r"^[\"“(]?[A-Z0-9]")
# A sentence of credits (grants, thanks, equal contribution, who did what): back matter wherever it stands (:func:`is_credits`,
# for slide details).  :func:`is_prose` keeps its narrower test, unchanged: a sentence that starts with "We thank"
# or "This work was" (a sentence that merely mentions a grant or "thank" is still prose a note may quote).
_CREDITS = re.compile(
    r"(grant|supported by|grateful|thank|funded|acknowledg|equal contribution|work (?:performed|done) (?:while|at)|"
    r"listing order|designed, implemented|necessarily (reflect|represent)|opinions, findings|this draft|"
    r"compared to v\d|资助|感谢)"
    r"|^(?!(?:we|it|this|that|they|he|she|one|these|those|our|their|its|which|who)\b)[A-Z][a-z]+(?:, with [A-Z][a-z]+,)? "
    r"(?:proposed|designed|implemented|conceived|initiated|wrote|spent|performed|led|built|devised)\b",  # "Jakob proposed …"
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z]{2,}")
# Two pieces of text run together: a full stop followed by a lower-case word ("… to future work. alternatives that
# lead …"), other than after an abbreviation; and a sentence that starts inside another, after an equation number
# ("(8) and the explicit form …").
_SPLICED = re.compile(r"(?<!\bal)(?<!\betc)(?<!\bvs)(?<!\bcf)(?<!\bresp)(?<!\bapprox)(?<![.\s][a-z])"
                      r"(?<=[a-z]{2})\.\s+[a-z]{3,}")  # fmt: skip
_MID_START = re.compile(r"^\(\d+\)\s+[a-z]")
MIN_WORDS, MAX_WORDS = 6, 60
LOWER_SHARE = 0.3  # prose has at least this share of words starting in lower case


# A table's row flattened into the text: four or more labels each followed by a bare number ("4-gram 39 Average LSA
# similarity 49 Log-bilinear model 54.8 RNNLMs 55.4").
_TABLE_RUN = re.compile(r"(?:(?:[A-Za-z][\w+\-]*\s(?:\+\s)?){1,3}\d+(?:\.\d+)?\s){4,}")


# A sentence that reads a figure ("loops over blocks of Q matrix (blue arrows)", "but we depict here only …"): a
# caption's or a figure's description, not a statement.
_READS_FIGURE = re.compile(r"\((?:[^()]*\b)?(?:blue|red|green|orange|purple|grey|gray|black|dashed|dotted|solid) (?:arrows?|"
                           r"lines?|box(?:es)?|curves?|dots?|bars?|squares?|circles?)\b[^()]*\)|\bwe depict here\b",
                           re.IGNORECASE)  # fmt: skip


# A footnote's number glued to its first word inside a sentence: "as was first 8We use the same parameters …".
_FOOTNOTE_GLUED = re.compile(r"(?<=[a-z,] )\d{1,2}(?:We|The|This|These|They|In|For|Our|It|See|Code|Available|Here|"
                             r"Note|When|Each)\b|^\d{1,2}(?:[A-Z][a-z]+|[A-Z]{2,})\b")  # fmt: skip  "… this 2They …"


def is_prose(text: str) -> bool:
    """Whether ``text`` reads as a whole sentence of prose (see the module docstring)."""
    text = readable(text)
    if CJK.search(text):
        return 8 <= len(text) <= 200 and text[-1] in "。！？.!?" and not _CAPTION.match(text)
    words = text.split()
    if not (MIN_WORDS <= len(words) <= MAX_WORDS) or not _START.match(text) or text[-1] not in ".!?":
        return False
    if (
        _CAPTION.match(text)
        or _CAPTION_INSIDE.search(text)
        or text.lower().startswith(("we thank", "this work was", "code:", "http", "question:"))
        or re.match(r"(step|answer|output|input) \d*:", text, re.IGNORECASE)  # a worked example's step, a sample
        or re.search(r":\s*\(?\d\)?\.?$", text)  # a list's lead-in with its first number: "… we intend to explore: 1."
    ):
        return False
    if (_SPLICED.search(text) or _MID_START.match(text) or _TABLE_RUN.search(text) or _READS_FIGURE.search(text)
            or _FOOTNOTE_GLUED.search(text)):  # fmt: skip
        return False
    lettered = [w for w in words if w[:1].isalpha()]
    if sum(1 for w in lettered if w[0].islower()) < LOWER_SHARE * len(lettered):
        return False  # a table's header, an affiliation, a title: "Model Train FLOPs Params CoLA SST MRPC …"
    numeric = sum(1 for w in words if re.fullmatch(r"[\d.,±%()+\-–]+", w))
    symbols = len(_MATH.findall(text))
    alphabetic = sum(1 for w in words if _WORD.search(w) or re.fullmatch(r"\d+(?:\.\d+)?[A-Za-z%]{0,2}[,.;:)]*", w))
    return numeric <= 0.2 * len(words) and symbols <= 2 and alphabetic >= 0.8 * len(words)


def is_credits(text: str) -> bool:
    """Whether ``text`` (a sentence) gives credit: a grant, thanks, an acknowledgement, equal contribution."""
    return bool(_CREDITS.search(text))


def readable(text: str) -> str:
    """The paper's sentence as a statement: citations ("(Houlsby et al., 2019)", "[12]") and footnote marks left out,
    except a citation that is the object of the sentence ("similar to [30]")."""
    text = normalise(text)
    text = _CITATION.sub(lambda m: m.group(0) if _CITED_OBJECT.search(text[: m.start()]) else "", text)
    text = _FOOTNOTE.sub("", text)
    text = re.sub(r",\s*\)", ")", text)
    return re.sub(r"\s+([,.;:])", r"\1", text).strip()


# A sentence that points elsewhere instead of saying something ("Results are presented in Table 4", "In this
# section, we present ..."): written from train-split papers.
_POINTER = re.compile(
    r"^(?:In (?:this|the following|the next|subsequent|the subsequent|the remaining|later) (?:section|sections|"
    r"subsection|part)|In Section \d|Section \d|"
    r"We (?:now |first |then |next )(?:describe|present|discuss|review|introduce|outline|summari[sz]e|cover)\b|"
    r"We (?:discuss|review|outline|summari[sz]e)\b|"  # "We introduce BERT, …", "We present QLoRA, …": the contribution
    r"We (?:describe|present|introduce) (?:here|below|in (?:this|the following|the next))\b|"
    r"(?:在)?(?:本节|本章|下一节|下面|接下来|下文|我们首先|首先)(?:中)?(?:将|会|我们)?(?:首先|将)?(?:介绍|描述|讨论|说明|给出)|"
    # "本节将介绍 BERT …", "首先介绍了 BERT 模型结构和输入表示。": a roadmap in Chinese
    r"We (?:first |then |next |now )?\w+ .{0,60}\bin Sec(?:tion|\.) ?\(?\d|We (?:provide|give) (?:more |further )?details)|"
    r"\b(?:are|is) (?:also )?(?:presented|shown|given|reported|summari[sz]ed|listed|described|discussed|detailed|"
    r"illustrated|depicted|outlined|sketched|explored|studied|analy[sz]ed|investigated)(?: visually| graphically| schematically| more"
    r" thoroughly| further| in (?:more )?detail)? in (?:the \w+ (?:line|row|column|rows|columns|"
    r"part|panel) of )?(?:Table|Figure|Fig\.|Section|Sec\.|Appendix|the appendix)|^See (?:Figure|Fig\.|Table|Section|"
    r"Appendix)\b|^(?:Finally, )?(?:Figure|Fig\.|Table) \d+ ?(?:\([a-z]\) )?(?:presents|shows|illustrates|depicts|"
    r"gives|lists|summari[sz]es)\b|^(?:Later|Below|Next|In what follows),? we (?:give|describe|present|discuss|show|"
    r"provide|elaborate)\b|^Below (?:are|is)\b|^We begin (?:by|with)\b|^We elaborate on\b|\bwill become clear(?:er)?\b|\(§ ?\d[^)]*\).*\(§ ?\d|\bplease (?:refer to|see)\b|\bin (?:two|three|four|several) ways\.$|\bas follows[.:]$|\bthe following (?:\w+ )?(?:theorems?|lemmas?|propositions?|definitions?|questions)\b|"
    r"\bdefer(?:red)? (?:them|it|this|the \w+) to (?:the )?(?:Appendix|appendix|supplementary)|"
    r"在\s*(?:第\s*)?\d+(?:\.\d+)*(?:\s*(?:和|与|、)\s*\d+(?:\.\d+)*)*\s*节(?:中)?(?:分别)?(?:详细)?(?:讨论|介绍|描述|给出|"
    r"说明)|(?:见|参见)\s*(?:第\s*)?\d+(?:\.\d+)*\s*节|如(?:图|表)\s*\d+\s*所示",  # "在 3.4 和 3.5 节中分别详细介绍了…"
    re.IGNORECASE,
)
# A sentence that leans on the one before it ("These are concatenated ...", "Another way of describing this ..."):
# read alone, its subject has no referent.
_LEANS = re.compile(
    r"^(?:This|These|That|Those|It|They|Such|Another|Both|The latter|The former|Here)\b"
    r"|^(?:In particular|Specifically|For example|For instance|Similarly|Likewise|Instead|In contrast|Conversely|"
    r"Then|To do (?:this|so)|In doing so|Doing so|To this end),"  # "In particular, we use small window sizes …",
    # "To do this, we use …": elaborates on, or carries out, the sentence before
    r"|^[^,]{0,40}\b(?:this|these|those|such|both|its|their)\s+(?!paper|work|study|article|section|chapter|report)[a-z]+"
    r"(?:-[a-z]+)*(?:\s+[a-z]+(?:-[a-z]+)*)?,"  # "To address this limitation, …", "Due to this under-specification, …"
    r"|^[A-Z]\w*(?: \w+){0,3},\s+(?:this|these|those|such|both|it|they)\b"  # "Currently, both families …", "At
    # inference time, this incurs …"
    r"|^Instead\s|^.*?\bthe (?:above|aforementioned)\b|^.*?\b(?:problems|issues|limitations|methods|scores) above\b"
    r"|^.*?\b(?:the )?(?:previous|preceding) (?:section|paragraph|example)\b"
    r"|^.*?\b[Aa]s (?:we )?(?:mentioned|discussed|described|noted) (?:before|above|earlier|previously)\b"
    r"|^\w+ of (?:these|those|them)\b"  # "Each of these sequences …"
    r"|^[^.]{0,60}\bthese\s(?!results|experiments|findings|(?:two|three|four) )[a-z]+"  # "… on these tasks"
    r"|^[^.]{0,60}\bthose\s(?!(?:of|that|which|who|whose|in|with|from|for|on|at|by|we|they|used|obtained|reported|"
    r"trained|produced|based|described|listed|given|shown)\b)[a-z]+s\b(?!\s+(?:that|which|who|of|in|from|with|we|used|"
    r"reported|obtained|trained|produced|based|described|listed|given|shown))"  # "we multiply those weights by …"; not
    # "those of BERT", "those used in …"
    r"|^[^,]{0,60}, however,"  # "The fundamental constraint …, however, remains."
    r"|^(?:As a result|For comparison|In this case|In that case|One is|The other is)\b"  # "As a result, the problem …"
    r"|^(?:Therefore|Thus|Hence|Consequently)\s(?!we (?:propose|present|introduce))"  # "Therefore there are really
    # two hidden layers" draws its conclusion from the sentence before ("Thus, …" is trimmed: :func:`trimmed`)
    r"|^(?:The (?:first|second|third|fourth|last|latter|former)) (?:is|are|lemma|theorem|step|case|one|option|approach|"
    r"method)\b"
    r"|^[^,.]{0,40}\b(?:this|these|those) (?:is|are|was|were|can|could|will|would|procedure|process|idea|step|"
    r"issue|problem|setting|scheme|technique|trick|operation)\b"  # "In the Transformer this is reduced …"
)


def is_pointer(sentence: str) -> bool:
    """Whether ``sentence`` only points elsewhere (a roadmap, "… are shown in Table 4")."""
    return bool(_POINTER.search(sentence))


def leans_on_previous(sentence: str) -> bool:
    """Whether ``sentence`` starts with a word that refers back to the sentence before it."""
    return bool(_LEANS.match(readable(sentence)))


_CONNECTIVE = re.compile(r"^(?:In short|In summary|In practice|Concretely|Specifically|However|Moreover|Furthermore|"
                         r"In addition|Additionally|Importantly|Notably|Overall|Finally|Thus|Therefore|Hence|Indeed|"
                         r"Nevertheless|As a result|To this end|On the other hand),\s+(?=[A-Za-z])")


def trimmed(text: str) -> str:
    """The paper's words as a note's statement: :func:`readable`, without a leading connective that ties the
    sentence to the one before it ("In short, cube outperforms…" → "Cube outperforms…")."""
    text = readable(text)
    cut = _CONNECTIVE.sub("", text, count=1)
    if cut != text and not cut[:2].isupper():
        cut = cut[0].upper() + cut[1:]
    return cut
