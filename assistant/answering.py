"""Answering without an LLM: understand the question, decide whether the plan covers
it, and compose a short Chinese answer from the retrieved passages.

Markers in drafts are ``[k]`` with ``k`` the 1-based position of a passage in the list
given to the composer; :func:`assistant.citations.renumber` turns them into citations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from functools import cached_property
from pathlib import Path

import yaml

from .chunking import strip_numbering
from .citations import decimals, rounded
from .glossary import Term
from .index import PlanIndex
from .text import STOPWORDS, cjk_ratio
from .retrieval import expansions, section_names
from .types import Chunk, RetrievedChunk

# ----------------------------------------------------------------------------- texts
HOTLINE = "12345政务服务便民热线"
ISSUER = "白山市生态环境局临江市分局"
NOTICE = "本回答由系统根据《规划》政策解读自动生成，仅供参考，以官方发布文件为准。"
ASK_SOMETHING = "请输入您想了解的问题，例如：“生态安全领域投资多少？”"
TOO_LONG = "问题太长了（超过{limit}字），请精简后再问，一次问一个问题效果更好。"
NOT_COVERED = "《规划》政策解读中没有涉及{topic}的内容，我无法回答。{nearest}如需了解，请拨打" + HOTLINE + "，或咨询《规划》编制单位" + ISSUER + "。"
OFF_TOPIC = (
    "抱歉，我是《临江市生态文明建设示范区建设规划（2024—2035年）》政策解读问答助手，"
    "只能回答与这份《规划》有关的问题，例如重点工程投资、规划目标、保障措施等。"
    "其他事项可拨打" + HOTLINE + "咨询。"
)


class Intent(str, Enum):
    NOT_STATED = "not_stated"  # the passages about the question do not state what it asks
    FIGURE = "figure"
    LIST = "list"
    MEMBERSHIP = "membership"
    DEFINITION = "definition"
    YESNO = "yesno"
    AGGREGATE = "aggregate"
    GENERAL = "general"


# what a figure question asks for → the figure pattern that answers it
UNITS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "money": (
        re.compile(r"投资|钱|资金|经费|花了|花费|预算|多少亿|亿元|invest|money|cost|spend|fund|budget", re.I),
        re.compile(r"\d+(?:\.\d+)?亿元"),
    ),
    "projects": (
        re.compile(r"(?:几|多少)个?项目|项目(?:数|有几|有多少)|how many projects", re.I),
        re.compile(r"\d+个项目"),
    ),
    "indicators": (
        re.compile(r"(?:几|多少)项|指标.*(?:几|多少)|(?:几|多少).*指标|how many .*indicators", re.I),
        re.compile(r"\d+项"),
    ),
    "year": (
        re.compile(r"哪一?年|哪[两几]年|起止|起讫|年限|什么时候|何时|啥时候|哪年|年份|期限|到.*年|when|what year|which year|deadline", re.I),
        re.compile(r"(?:19|20)\d{2}年?"),
    ),
    "date": (
        re.compile(r"哪一?天|几月几[日号]|日期|具体时间"),
        re.compile(r"\d{1,2}月\d{1,2}[日号]"),
    ),
    "place": (
        re.compile(r"建在哪|在哪里|在哪儿|在哪个|在什么地方|哪个乡镇|哪个村|具体位置|选址|where\b|located", re.I),
        re.compile(r"位于|坐落|建在|选址于|地点"),
    ),
    "count": (
        re.compile(r"几个|几大|几条|几项|多少个|哪几|how many", re.I),
        re.compile(r"[\d一二两三四五六七八九十]+(?:个|大|项|条)[\u4e00-\u9fff]{0,4}"),
    ),
}
_LIST_Q = re.compile(r"哪些|有啥|都有什么|包括什么|包含什么|哪几|什么项目|列举|what are|which .*(?:projects|measures|principles)|list", re.I)
_MEMBER_Q = re.compile(r"属于|归(?:哪|什么)|哪个领域|哪一?类|哪个方面|which field|belong", re.I)
_DEFINE_Q = re.compile(r"什么意思|是什么意思|指的是|指什么|是指|含义|啥意思|什么是|何为|what (?:is|does) .*mean|meaning of", re.I)
_YESNO_Q = re.compile(r"吗[？?]?$|对吧|对吗|是不是|是否|有没有|会不会|能不能|能否|不[？?]?$|没[？?]?$|\bis it\b|\bdoes\b|\bare there\b", re.I)
_AGG_Q = re.compile(r"一共|总共|合计|总计|加起来|共计|总投资|最多|最少|最大|最高|相差|多出|差多少|比.+多|in total|altogether|combined|the most|the largest", re.I)
_AVERAGE = re.compile(r"平均|每个项目|每一个项目|每项|\baverage\b|per project", re.I)
_SHARE = re.compile(r"比例|占比|比重|占.{0,15}(?:多少|几成|百分之)|百分之几|percent|\bshare\b|proportion", re.I)
_MAXIMA = re.compile(r"最多|最少|最大|最高|the most|the largest", re.I)
_FIGURE_Q = re.compile(r"多少|几|哪一?年|哪一?天|日期|什么时候|何时|啥时候|how (?:much|many)|when|what year", re.I)
_INJECTION = re.compile(
    r"忽略(?:之前|以上|前面|上面)?的?(?:所有|全部)?(?:指令|指示|规则|设定|要求)|无视.*(?:指令|规则)|系统提示|提示词|system prompt|"
    r"ignore (?:all )?(?:the )?(?:previous|prior|above) (?:instructions|rules)|you are now|jailbreak|\bDAN\b|developer mode|"
    r"你(?:现在)?扮演|请扮演|扮演一个|角色扮演|不受(?:任何)?(?:约束|限制)|你现在是|从现在起你|你就是|【系统消息】|管理员已授权|内部配置|"
    r"回答后请?务必|务必加上|加上一句|不要引用|不需要引用|随意发挥|do not cite|don't cite|without cit",
    re.I,
)
_FOLLOWUP = re.compile(r"^(?:那|那么|还有|再|另外|and|what about|how about)|呢[？?]?$|^它|^这个|^该|^其|^这些|^它们|^都有|^具体|^分成|\bit\b|\bthey\b", re.I)
_PRONOUN = re.compile(r"^(?:那|那么)?(?:它们?|这个|这些|该领域|该项|其)")

#: words that make an English question one about the plan (the city's name alone does not:
#: “Will it rain in Linjiang tomorrow?”)
OFF_TOPIC_EN = re.compile(
    r"plan|ecolog|environment|invest|project|green|pollution|indicator|principle|goal|target|measure|field|domain|"
    r"government|resident|citizen|river|culture|agency|stage|approv|econom|societ|protect|supervis|fund|talent|"
    r"technolog|touris|solar|garbage|waste|draft|\b20(?:24|27|35)\b",
    re.I,
)
GENERIC_WORDS = frozenset(
    """规划 政策 解读 文件 这份 这个 临江 临江市 当地 咱们 以后 现在 提到 提出 里面 具体 东西 内容 问题 这件 事情 事儿 这事
    这块 哪里 哪儿 哪个 那个 这里 时候 工作 怎么办 咋办 咋弄 咋整 一样 能够 需要 应该 打算 希望 要求 相应 对应 安排 有关
    相关 涉及 怎么样 样子 变成 变化 方向 程度 达到 领域 方面 措施 项目 目标 计划 部分 全部 所有 有人 谁来 单位 一个 几个
    多少钱 什么样 回答 告诉 一下 请问 确认 继续 不是 对吗 对吧 是否 还是 成为 将来 未来 定下 下来 开干 新招 新玩意""".split()
)


# ----------------------------------------------------------------------------- data
@dataclass(frozen=True)
class Draft:
    """An answer before citation resolution: text with [k] markers into ``passages``."""

    text: str
    passages: tuple[RetrievedChunk, ...]
    intent: Intent = Intent.GENERAL


@dataclass(frozen=True)
class Decision:
    covered: bool
    kind: str | None = None  # "not_covered" | "off_topic"
    reason: str = ""
    missing: tuple[str, ...] = ()


@dataclass
class Vocabulary:
    """What the corpus talks about, computed once per index: its text, its sections and the
    chunks under each top-level heading, the section names a question may use, the glossary
    and the synonyms."""

    text: str
    sections: tuple[tuple[str, ...], ...]
    glossary: tuple[Term, ...]
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    children: dict[str, tuple[Chunk, ...]] = field(default_factory=dict)  # 保障措施 → its subsection chunks
    years: dict[str, tuple[str, ...]] = field(default_factory=dict)  # 2035 → ids of the chunks stating it
    _known: dict[str, bool] = field(default_factory=dict, repr=False)

    @classmethod
    def from_index(cls, index: PlanIndex, glossary: Sequence[Term], synonyms: dict[str, tuple[str, ...]]) -> "Vocabulary":
        text = "\n".join(f"{c.section}\n{c.text}" for c in index.chunks)
        sections = tuple(dict.fromkeys(c.section_path for c in index.chunks))
        children: dict[str, list[Chunk]] = {}
        years: dict[str, list[str]] = {}
        for c in index.chunks:
            if len(c.section_path) >= 2:
                children.setdefault(strip_numbering(c.section_path[0]), []).append(c)
            for year in dict.fromkeys(YEAR.findall(untitled(c, c.text))):  # not in the plan's name (2024—2035年)
                years.setdefault(year, []).append(c.id)
        return cls(
            text=text, sections=sections, glossary=tuple(glossary), synonyms=synonyms,
            children={k: tuple(v) for k, v in children.items()}, years={k: tuple(v) for k, v in years.items()},
        )

    @cached_property
    def entities(self) -> tuple[str, ...]:
        """Section names a follow-up can switch to (生态文化领域, 科技创新, 远期目标 …) and their
        short forms, longest first."""
        return tuple(sorted(self.entity_depth, key=lambda n: (-len(n), self.entity_depth[n], n)))

    @cached_property
    def entity_depth(self) -> dict[str, int]:
        """Each section name (and short form) → its heading level (0 = top-level)."""
        names: dict[str, int] = {}
        for path in self.sections:
            for depth, heading in enumerate(path):
                name = strip_numbering(heading)
                if 2 <= len(name) <= 12:
                    forms = [name]
                    if name.endswith("领域"):
                        forms.append(name[:-2])
                    if name.endswith("目标") and len(name) > 3:
                        forms.append(name[:-2])
                    for form in forms:
                        names.setdefault(form, depth)
        return names

    def section_words(self, question: str) -> str:
        """The question followed by the section names its other words stand for, by the
        synonyms (长远 → 远期目标, long-term → 远期目标)."""
        extra = [w for w in expansions(question, (), self.synonyms) if w in self.entity_depth]
        return "|".join(dict.fromkeys([question, *extra]))

    def known(self, word: str) -> bool:
        if word not in self._known:
            self._known[word] = (
                word in self.text
                or word in GENERIC_WORDS
                or any(word in t.names or any(word in n for n in t.names) for t in self.glossary)
                or word in self.synonyms
            )
        return self._known[word]


def load_synonyms(corpus_dir: Path) -> dict[str, tuple[str, ...]]:
    path = corpus_dir / "synonyms.yaml"
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): tuple(str(v) for v in (vs or ())) for k, vs in data.items()}


def leaf(chunk: Chunk) -> str:
    """The last heading of a chunk's section, without its numbering (2. 近期目标 → 近期目标)."""
    return strip_numbering(chunk.section_path[-1]) if chunk.section_path else ""


# ----------------------------------------------------------------------------- question analysis
def classify(question: str) -> Intent:
    q = question
    if unit_of(q) in ("place", "date") or re.search(r"(?:几|多少)[条类种批]|哪[两几]年|起止|起讫", q):
        return Intent.FIGURE
    if _DEFINE_Q.search(q):
        return Intent.DEFINITION
    if _MAXIMA.search(q):
        return Intent.AGGREGATE
    if _MEMBER_Q.search(q):
        return Intent.MEMBERSHIP
    if _AGG_Q.search(q) and _FIGURE_Q.search(q) and not re.search(r"一共(?:有|包括)?哪些", q):
        return Intent.AGGREGATE
    if _YESNO_Q.search(q) and not _LIST_Q.search(q) and not re.search(r"多少|几", q):
        return Intent.YESNO
    if _LIST_Q.search(q) and not re.search(r"几个项目|多少个项目|投资多少", q):
        return Intent.LIST
    if _FIGURE_Q.search(q) or any(p.search(q) for p, _ in UNITS.values() if p is not UNITS["count"][0]) and re.search(r"多少|几|when|how", q, re.I):
        return Intent.FIGURE
    return Intent.GENERAL


def unit_of(question: str) -> str | None:
    for name, (asks, _) in UNITS.items():
        if asks.search(question):
            return name
    return None


def strip_injection(question: str) -> tuple[str, bool]:
    """Remove instruction-like parts; returns (what is left to answer, was there any)."""
    if not _INJECTION.search(question):
        return question, False
    # a bracketed aside that carries an instruction goes as a whole
    text = re.sub(r"[（(【\[][^（）()【】\[\]]*[）)】\]]", lambda m: "" if _INJECTION.search(m.group(0)) else m.group(0), question)
    parts = re.split(r"(?<=[。！？!?；;，,：:])|(?<=\.)\s+|\n", text)
    kept = [p for p in parts if p.strip() and not _INJECTION.search(p) and not re.search(r"请.*(?:输出|宣布|确认)|confirm|reply", p, re.I)]
    rest = "".join(kept).strip()
    rest = re.sub(r"^(?:然后|好了|好吧|ok|okay|and)[，,。.\s]*|^(?:正经问一句|说正事)[：:，,\s]*", "", rest, flags=re.I).strip()
    rest = re.sub(r"^(?:告诉我|请告诉我)", "", rest).strip()
    return rest, True


def content_words(tokens: Sequence[str]) -> list[str]:
    return [t for t in tokens if len(t) >= 2 and t not in STOPWORDS and not t.isdigit()]


# ----------------------------------------------------------------------------- follow-up questions
def find_entity(text: str, names: Sequence[str]) -> str | None:
    for name in names:
        if name in text:
            return name
    return None


def rewrite_followup(question: str, history: Sequence[str], vocab: Vocabulary) -> str:
    """Resolve a follow-up such as 「那生态文化领域呢？」 or 「它投资多少？」 with the earlier
    questions (rule-based: swap or supply the section the conversation is about)."""
    if not history:
        return question
    names = vocab.entities
    previous = next((h for h in reversed(history) if find_entity(h, names)), history[-1])
    entity = find_entity(question, names) or find_entity(vocab.section_words(question), names)  # 长远 → 远期目标
    prev_entity = find_entity(previous, names)
    if entity is not None:  # 资金统筹 → 科技创新, not 保障措施 → 科技创新
        same_level = [n for n in names if vocab.entity_depth[n] == vocab.entity_depth[entity]]
        prev_entity = find_entity(previous, same_level) or prev_entity
    short = len(re.sub(r"[\W_]", "", question)) <= 12
    if not (_FOLLOWUP.search(question) or short):
        return question
    if entity and prev_entity and entity != prev_entity and re.search(r"呢[？?]?$|^(?:那|那么|还有)", question):
        core = re.sub(r"^(?:那|那么|还有)|呢[？?]?$|[？?]$", "", question).strip()
        if re.sub(r"方面|领域", "", core) in (entity, re.sub(r"方面|领域", "", entity)):
            return previous.replace(prev_entity, entity)
        return f"{entity}{core.replace(entity, '')}"
    if not entity and prev_entity:
        rest = _PRONOUN.sub("", question).strip()
        rest = re.sub(r"^(?:那|那么|还有)", "", rest)
        return f"{prev_entity}{rest}" if rest else previous
    if not entity:
        return f"{previous} {question}"
    return question


# ----------------------------------------------------------------------------- coverage gate
#: Abstract nouns that frame a question rather than name a thing the plan might lack.
ABSTRACT_NOUNS = frozenset(
    """意思 含义 意义 概念 内涵 定义 说法 提法 口号 年份 年限 期限 起止 数量 比例 合计 投资额 分属 状况 程度 关系 道路 格局 看法 人员 外界 变化 损失 影响 安排 具体措施 措施 办法
    方式 方法 作用 意义 内容 情况 时间 时候 地方 东西 问题 事情 部分 方面 领域 角色 态度 水平 标准 条件 结果 效果 前景
    打算 想法 目的 原因 理由 过程 阶段 步骤 重点 特点 区别 依据 讲究 玩意儿 新招 新玩意 这块 那块 大自然 日子 过日子
    开发资源 年里 以后 将来 之前 前面 后面 上面 下面 里面 总体 整体 具体 未来 长远
    角度 维度 层面 层级 核心 要点 人们 机关 专门 命名 名称 名字 叫法 状态 形态 面貌 模样 关键 摊子""".split()
)
_NOUN_FLAGS = ("n", "vn", "eng", "an")
_CITY = re.compile(r"临江市?|白山市?")
DOMAIN_WORDS = ("规划", "生态", "环境", "文件", "政府", "项目", "投资", "领域", "措施", "目标", "指标", "原则", "工程", "政策")


@dataclass(frozen=True)
class Thresholds:
    """Calibrated on eval/qa.jsonl (see README, "Refusals")."""

    on_topic: float = 0.87  # dense similarity that counts as on-topic without a plan word
    english: float = 0.74  # English questions: dense similarity below this is not covered
    paraphrase: float = 0.90  # an unknown noun in a question this close to a passage is a paraphrase
    city: float = 0.89  # on_topic for a question naming the city (临江) and no word of the plan


def missing_nouns(question: str, nouns: Sequence[str], vocab: Vocabulary) -> tuple[str, ...]:
    """Concrete nouns of the question that the plan never mentions (市长, 门票, PM2.5 …)."""
    out = []
    for word in nouns:
        if word.endswith("儿") and word not in ABSTRACT_NOUNS and word not in vocab.text:
            word = word[:-1]  # 块儿 → 块, 事儿 → 事: the colloquial suffix names nothing new
            if len(word) < 2:
                continue
        if word in ABSTRACT_NOUNS or re.match(r"^(?:哪|什么|几|多少|啥)", word):
            continue  # 哪些项目, 什么措施: the question word, not a thing
        if any(word.endswith(a) for a in ABSTRACT_NOUNS if len(a) >= 2):
            continue  # 多长时间, 具体办法: a frame around an abstract head noun
        if word in vocab.synonyms or vocab.known(word) or any(word in key for key in vocab.synonyms if key in question):
            continue
        if any(len(key) >= 2 and word.endswith(key) for key in vocab.synonyms):
            continue  # 旅游景点: its head 景点 is a synonym (not 消费券, whose head is 券)
        if len(word) >= 3 and word[-1] in "度化" and (word[:-1] in vocab.synonyms or vocab.known(word[:-1])):
            continue  # 透明度: the quality of a word the plan has (not 满意度)
        if len(word) >= 3 and word[-1] in "会要能将在是有把被让" and vocab.known(word[:-1]):
            continue  # 临江会变成啥样: the dictionary's 临江会 (a name) is 临江 + 会 here
        if word.endswith("性") and len(word) >= 3:
            continue  # 阶段性, 系统性: a quality, not a thing
        if word[-1] in "里上下中边" and vocab.known(word[:-1]):
            continue  # 河里, 山上: a place word around a plan word
        out.append(word)
    return tuple(dict.fromkeys(out))


def modifiers(tagged: Sequence[tuple[str, str]], vocab: Vocabulary) -> set[str]:
    """Words of a segmentation that qualify a noun of the plan or stand in a list with a word
    of it: right before it (关键理念, 阶段性目标), before 的 and it (带加号的什么理念), or next
    to it across 、/和 (学校、研究所): the question is about the plan's thing, not a thing of
    their own."""

    def plan_noun(word: str, flag: str) -> bool:
        return flag.startswith(_NOUN_FLAGS) and len(word) >= 2 and word not in GENERIC_WORDS and (
            vocab.known(word) or word in vocab.synonyms
        )

    out = set()
    for i, (word, _) in enumerate(tagged):
        rest = [(w, f) for w, f in tagged[i + 1 : i + 4] if w not in ("什么", "哪些", "哪个", "哪种")]
        if rest and plan_noun(*rest[0]):
            out.add(word)
        elif len(rest) >= 2 and rest[0][0] == "的" and plan_noun(*rest[1]):
            out.add(word)
        if i + 2 < len(tagged) and tagged[i + 1][0] in ("、", "和", "及", "与", "或") and plan_noun(*tagged[i + 2]):
            out.add(word)
    return out


#: a clause in which the asker says who they are (我在龙头山那块儿干导游的): no question in it
_ABOUT_ME = re.compile(r"^(?:我|俺|咱|本人)们?(?:是|在|家|干|开|做|住|当|们家)")
_ASKS = re.compile(r"[？?]|吗|呢|啥|什么|哪|几|多少|怎么|咋|有没有|能不能|是不是|是否")


def asking_part(question: str) -> str:
    """The question without the clauses in which the asker only introduces themselves."""
    parts = re.split(r"(?<=[，,。；;！!])", question)
    kept = [p for p in parts if not (_ABOUT_ME.match(p.strip()) and not _ASKS.search(p))]
    return "".join(kept) or question


CONCRETE_TAGS = re.compile(r"n$|nr|nt")
#: what a question may ask for that a passage about its subject could still lack
DATUM_UNITS = frozenset({"money", "projects", "indicators", "year", "date", "place", "count"})


def concrete_nouns(tagged: Sequence[tuple[str, str]], posseg) -> list[str]:  # type: ignore[no-untyped-def]
    """The words of a (word, tag) segmentation that can name a thing the plan lacks: what
    jieba's dictionary lists as common nouns (门票, 市长), names (比特币's 比特, 英超) or
    organizations, and Latin-script tokens (PM2.5). Not words jieba only guessed (能泡, 老说),
    nor its place and other proper-noun tags, which it gives to plain words (上马, 河沟, 普通)."""
    tags = getattr(posseg, "word_tag_tab", {})
    return [w for w, f in tagged if f == "eng" or (f.startswith(_NOUN_FLAGS) and CONCRETE_TAGS.match(tags.get(w) or ""))]


_OTHER_DOCUMENT = re.compile(r"(?:其他|其它|别的|另外|其余)(?:的)?[\u4e00-\u9fff]{0,6}?(?:规划|文件|方案|政策)")


def other_place_or_document(question: str, tagged: Sequence[tuple[str, str]], vocab: Vocabulary) -> str | None:
    """Another place or document the question is about, which this plan does not cover:
    长春市 (a place word the plan never names, whose name without 市 it does not name
    either: not 吉林省), 通化的生态规划 (a name before 的 … 规划), 其他的生态规划."""
    m = _OTHER_DOCUMENT.search(question)
    if m:
        return m.group(0)
    for i, (word, flag) in enumerate(tagged):
        if _CITY.fullmatch(word) or vocab.known(word):
            continue
        if len(word) >= 3 and word[-1] in "省市县区州" and not vocab.known(word[:-1]) and word[0] not in "咱我你本全这该各此那":
            return word
        after = "".join(w for w, _ in tagged[i + 1 : i + 8])
        if len(word) >= 2 and flag.startswith(("ns", "j", "nr", "nt")) and after.startswith("的") and "规划" in after:
            return word
    return None


def decide(question: str, dense_top: float | None, vocab: Vocabulary, thresholds: Thresholds, posseg) -> Decision:  # type: ignore[no-untyped-def]
    """Does the plan cover the question? Chinese: no concrete noun the plan never mentions,
    and on topic; English: on topic and similar enough to a passage."""
    score = dense_top if dense_top is not None else 1.0
    if cjk_ratio(question) < 0.3:
        if not OFF_TOPIC_EN.search(question):
            return Decision(False, "off_topic", "English, no plan word")
        if score < thresholds.english:
            return Decision(False, "not_covered", f"English, dense {score:.3f} < {thresholds.english}")
        return Decision(True)
    every = [(w, f) for w, f in posseg.cut(asking_part(question))]
    elsewhere = other_place_or_document(question, every, vocab)
    if elsewhere is not None:
        return Decision(False, "not_covered", f"about another place or document: {elsewhere}", (elsewhere,))
    tagged = [(w, f) for w, f in every if len(w) >= 2]
    nouns = [w for w, f in tagged if f.startswith(_NOUN_FLAGS)]
    missing = missing_nouns(question, concrete_nouns(tagged, posseg), vocab)
    qualifiers = modifiers(every, vocab) if missing else set()
    missing = tuple(w for w in missing if w not in qualifiers)
    # the city's name is no plan word: 临江明天下雨吗 is about the city, not about its plan;
    # it also lifts the similarity to every passage, so it asks for a closer one
    bare = _CITY.sub(" ", question)
    on_topic = (
        any(w in bare for w in DOMAIN_WORDS)
        or any(vocab.known(w) and w not in GENERIC_WORDS and not _CITY.fullmatch(w) for w in nouns)
        or any(key in bare for key in vocab.synonyms)
        or any(name in question for term in vocab.glossary for name in term.names)
        or score >= (thresholds.city if bare != question else thresholds.on_topic)
    )
    if missing and on_topic and score >= thresholds.paraphrase and unit_of(question) not in DATUM_UNITS and "谁" not in question:
        # a word of its own (路子, 思路) in a question close to a passage, asking for no datum
        # the passage could lack: a paraphrase, answered from that passage
        return Decision(True, reason=f"unknown {missing}, dense {score:.3f} ≥ {thresholds.paraphrase}")
    if missing:  # 临江市的市长是谁: a thing of the city the plan lacks, not an off-topic request
        kind = "not_covered" if on_topic or bare != question else "off_topic"
        return Decision(False, kind, f"not in the plan: {missing}", missing)
    if not on_topic:
        return Decision(False, "off_topic", f"no plan word, dense {score:.3f}")
    return Decision(True)


def refusal_text(decision: Decision, nearest: Chunk | None) -> str:
    if decision.kind == "off_topic":
        return OFF_TOPIC
    topic = "“" + "、".join(decision.missing[:2]) + "”" if decision.missing else "这一问题"
    near = f"与您的问题最接近的是《规划》“{nearest.section}”部分。" if nearest is not None else ""
    return NOT_COVERED.format(topic=topic, nearest=near)


# ----------------------------------------------------------------------------- composition
_SENT = re.compile(r"[^。！？；\n]+[。！？；]?")
_CLAUSE = re.compile(r"[^，。！？；\n]+[，。！？；]?")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT.findall(text) if s.strip()]


def clauses(sentence: str) -> list[str]:
    return [c for c in _CLAUSE.findall(sentence) if c.strip()]


_BOOK = re.compile(r"《[^《》]+》")
#: a question asking who (谁来搞, 哪个单位, which agency) and the words that name a body
_WHO = re.compile(r"谁|哪个单位|哪家单位|哪个部门|哪些部门|什么单位|什么部门|\bwho\b|\bwhich (?:agency|department|body|office)", re.I)
_AGENT = re.compile(r"[\u4e00-\u9fff]局|部门|[\u4e00-\u9fff](?<![全分内局])部(?!分)|[省市县]委|政府|机构|单位")
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def untitled(chunk: Chunk, text: str) -> str:
    """``text`` without the name of the chunk's own document (《临江市…规划（2024—2035年）》):
    those words name the plan, they do not say what a sentence is about. Other documents
    it cites (《生态文明建设示范区管理规程》) stay."""
    for name in _BOOK.findall(chunk.title):
        text = text.replace(name, "")
    return text


def _end(text: str) -> str:
    return text.rstrip("，,；;。") 


class Composer:
    """Builds an extractive draft for one question from ranked passages."""

    #: weight of the dense clause similarity against word overlap when choosing a sentence,
    #: per DENSE_SCALE of cosine below the best clause (calibrated on eval/qa.jsonl and
    #: eval/dev.jsonl: 0.5, 0.75, 1 and 1.5 measured)
    DENSE_WEIGHT = 0.5
    DENSE_SCALE = 0.05
    #: what a sentence naming a body (局, 部门, 政府 …) gains for a question asking who
    AGENT_BONUS = 0.3
    #: sentences are chosen from the first TOP passages
    TOP = 3

    def __init__(self, vocab: Vocabulary, tokenize, vectors=None) -> None:  # type: ignore[no-untyped-def]
        self.vocab = vocab
        self._stated: dict[tuple[str, str], int] = {}
        self.tokenize = tokenize
        #: the clause vectors (:class:`~assistant.embeddings.SentenceVectors`), or None: words only
        self.vectors = vectors

    def units(self, chunk: Chunk) -> list[tuple[str, str]]:
        """(sentence, embedded text) for each clause of a chunk."""
        return [(sent, self.unit_text(chunk, c)) for sent in sentences(chunk.text) for c in clauses(sent)]

    def warm(self, chunks: Sequence[Chunk], limit: int, batch: int = 64) -> bool:
        """Embed the clauses of ``chunks`` now, when there are at most ``limit`` of them (in
        small batches, so that questions asked meanwhile wait for one batch at most), not when
        a question first reaches them. Returns whether it did."""
        if self.vectors is None:
            return False
        texts: list[str] = []
        for c in chunks:
            texts.extend(text for _, text in self.units(c))
            if len(texts) > limit:
                return False
        for start in range(0, len(texts), batch):
            self.vectors.add(texts[start : start + batch])
        return True

    @staticmethod
    def unit_text(chunk: Chunk, clause: str) -> str:
        """What a clause is embedded as: its section's name, then the clause."""
        return f"{untitled(chunk, leaf(chunk))}：{_end(untitled(chunk, clause))}"

    def sentence_similarity(self, query_vector, passages: Sequence[RetrievedChunk]) -> dict[tuple[str, str], float]:  # type: ignore[no-untyped-def]
        """(chunk id, sentence) → best cosine of its clauses to the question, over the
        first TOP passages; empty without a query vector."""
        if query_vector is None or self.vectors is None:
            return {}
        keys, texts = [], []
        for rc in passages[: self.TOP]:
            for sent, text in self.units(rc.chunk):
                keys.append((rc.chunk.id, sent))
                texts.append(text)
        out: dict[tuple[str, str], float] = {}
        for key, sim in zip(keys, self.vectors.similarities(query_vector, texts)):
            out[key] = max(out.get(key, -1.0), sim)
        return out

    # -- scoring ---------------------------------------------------------------
    def _overlap(self, qtokens: set[str], text: str) -> float:
        if not qtokens:
            return 0.0
        ttokens = set(self.tokenize(text))
        hits = sum(1 for t in qtokens if t in ttokens or (len(t) >= 2 and t in text))
        return hits / len(qtokens)

    def _qtokens(self, question: str) -> set[str]:
        tokens = set(content_words(self.tokenize(question))) | {t for t in self.tokenize(question) if len(t) == 1 and "\u4e00" <= t <= "\u9fff"}
        for extra in expansions(question, self.vocab.glossary, self.vocab.synonyms):
            tokens.update(content_words(self.tokenize(extra)) or [extra])
        for term in self.vocab.glossary:
            if any(n in question for n in term.names):
                tokens.add(term.term)
        tokens.update(YEAR.findall(question))  # a year: 到2035年 …
        return {t for t in tokens if not _CITY.fullmatch(t)}  # the whole plan is about 临江

    def best_sentences(
        self, question: str, passages: Sequence[RetrievedChunk], n: int = 2,
        query_vector=None,  # type: ignore[no-untyped-def]
    ) -> list[tuple[float, int, str]]:
        """(score, passage position, sentence), best first: word overlap plus a rank prior,
        plus the dense similarity of its best clause to the question (with a query vector)."""
        q = self._qtokens(question)
        dense = self.sentence_similarity(query_vector, passages)
        top = max(dense.values()) if dense else 0.0
        who = bool(_WHO.search(question))
        scored = []
        for pos, rc in enumerate(passages[: self.TOP]):
            prior = 0.35 / (pos + 1) + self._overlap(q, untitled(rc.chunk, leaf(rc.chunk))) * 0.3
            for k, s in enumerate(sentences(rc.chunk.text)):
                own = untitled(rc.chunk, s)
                score = self._overlap(q, own) + prior - k * 0.01
                if dense:
                    score += self.DENSE_WEIGHT * (dense.get((rc.chunk.id, s), top - 1.0) - top) / self.DENSE_SCALE
                if who and _AGENT.search(own):
                    score += self.AGENT_BONUS  # 谁编制的: the sentence that names a body
                scored.append((score, pos, s))
        scored.sort(key=lambda x: -x[0])
        return scored[:n]

    # -- intents -----------------------------------------------------------------
    def compose(
        self, question: str, passages: Sequence[RetrievedChunk], intent: Intent, query_vector=None,  # type: ignore[no-untyped-def]
    ) -> Draft | None:
        passages = tuple(passages)
        if _AVERAGE.search(question) or _SHARE.search(question):
            ratio = self._ratio(question, passages)
            if ratio is not None:
                return ratio
        named = self.named(question, passages, by_synonym=intent is Intent.GENERAL)
        if intent is Intent.FIGURE and not named and unit_of(question) == "money" and "规划" in question:
            intent = Intent.AGGREGATE  # “这个规划要花多少钱”: the whole plan, unless its words single out a section
        if intent is Intent.AGGREGATE and len({leaf(p.chunk) for p in named}) == 1 and not _MAXIMA.search(question):
            intent = Intent.FIGURE  # “生态经济领域一共投资多少”: one section's own figure, nothing to add up
        if named and intent is not Intent.AGGREGATE:
            passages = named  # the question names its section: answer from it alone
        general = lambda q, p: self._general(q, p, query_vector)  # noqa: E731
        handlers = {
            Intent.FIGURE: self._figure,
            Intent.LIST: self._list,
            Intent.MEMBERSHIP: self._membership,
            Intent.DEFINITION: self._definition,
            Intent.YESNO: lambda q, p: self._yesno(q, p, query_vector),
            Intent.AGGREGATE: self._aggregate,
            Intent.GENERAL: general,
        }
        draft = handlers[intent](question, passages)
        if draft is None and intent is not Intent.GENERAL:
            draft = general(question, passages)
        return draft

    def named(
        self, question: str, passages: Sequence[RetrievedChunk], by_synonym: bool = False,
    ) -> tuple[RetrievedChunk, ...]:
        """Passages of the sections the question names (生态经济领域, 远期目标 …), and with
        ``by_synonym`` those a word of it stands for (长远 → 远期目标). Only an open question
        is steered by a synonym: 考核标准定了多少条 asks for the 25 indicators, not 监督考核."""
        words = self.vocab.section_words(question) if by_synonym else question
        named = tuple(p for p in passages if any(n in words for n in section_names(p.chunk)))
        if named or not by_synonym:
            return named
        # a year only one passage states names it like its heading: 到2035年 → 远期目标
        ids = {ids[0] for y in YEAR.findall(question) if len(ids := self.vocab.years.get(y, ())) == 1}
        return tuple(p for p in passages if p.chunk.id in ids and len(p.chunk.section_path) >= 2)

    def _subject(self, chunk: Chunk, sentence: str) -> str:
        name = leaf(chunk)
        if len(chunk.section_path) < 2 or not name or name in sentence:
            return ""
        return name if re.match(r"涉及|共|项目|设置|建立|加强|发挥|积极|按照|到\d", sentence) is None else name

    def _lead(self, chunk: Chunk, sentence: str, first: str) -> str:
        """The sentence with the answering clause moved to the front, with its subject."""
        parts = clauses(sentence)
        rest = [p for p in parts if p != first]
        body = _end(first) + ("，" + "".join(rest) if rest else "")
        body = _end(body)
        subject = self._subject(chunk, sentence)
        if subject and re.match(r"涉及|共|项目|设置", body):
            return subject + body
        if subject:
            return f"{subject}：{body}"
        return body

    STATED_AS = {
        "money": "投资额", "projects": "项目数量", "year": "时间安排", "date": "具体日期",
        "place": "具体位置", "count": "具体数量",
    }

    def _figure(self, question: str, passages: tuple[RetrievedChunk, ...]) -> Draft | None:
        unit = unit_of(question)
        pattern = UNITS[unit][1] if unit else re.compile(r"\d+(?:\.\d+)?|[一二两三四五六七八九十]+(?:个|大|项)")
        if unit == "count":
            listed = self._numbered_list(passages[0]) or self._counted_parts(question, passages)
            if listed:
                return listed
            asked = re.search(r"(?:几|多少)([个大项条类种批])", question)
            if asked:  # 几条河 is answered by “N条…”, not by “14个项目”
                pattern = re.compile(rf"[\d一二两三四五六七八九十]+{asked.group(1)}[\u4e00-\u9fff]{{0,4}}")
        q = self._qtokens(question)
        named = self.named(question, passages)
        best: tuple[float, int, str, str] | None = None
        # the first passages first; the rest only when none of them states such a figure
        for candidates in ([named] if named else [passages[:3], passages[3:]]):
            for rc in candidates:
                pos = passages.index(rc)
                for s in sentences(rc.chunk.text):
                    overlap = self._overlap(q, s) + self._overlap(q, rc.chunk.section) * 0.5
                    if not named and overlap == 0:
                        continue  # a figure from a passage that shares nothing with the question
                    for c in clauses(s):
                        if pattern.search(strip_numbering(c) if c == s or s.startswith(c) else c):
                            # “5. 政府主导…”: a list item's number labels it, it is not a figure
                            score = overlap + 0.4 / (pos + 1) + 0.2 * self._overlap(q, c)
                            if best is None or score > best[0]:
                                best = (score, pos, s, c)
            if best is not None:
                break
        if best is None:
            if unit is None and re.search(r"多少|多大|几[个项条成]", question):
                unit = "count"  # 满意度要达到多少: a number the passages do not state
            if unit in self.STATED_AS:
                subject = "、".join(leaf(p.chunk) for p in named) if named else "这一事项"
                return Draft(f"{subject}的{self.STATED_AS[unit]}", passages, Intent.NOT_STATED)
            return None
        _, pos, s, c = best
        chunk = passages[pos].chunk
        if unit == "year" or len(_end(c)) < 6:
            text = self._lead(chunk, s, clauses(s)[0])
        else:
            text = self._lead(chunk, s, c)
        return Draft(f"{text}[{pos + 1}]。", passages, Intent.FIGURE)

    @staticmethod
    def _numbered_list(rc: RetrievedChunk) -> Draft | None:
        """“几条原则？” over a numbered list: the count is the list's own last number."""
        lines = [ln.strip() for ln in rc.chunk.text.split("\n") if ln.strip()]
        numbers = [re.match(r"(\d+)[.．、]", ln) for ln in lines]
        if len(lines) < 3 or not all(numbers):
            return None
        last = numbers[-1].group(1)  # type: ignore[union-attr]
        items = "；".join(lines)
        return Draft(f"{leaf(rc.chunk) or rc.chunk.section}共{last}条：{items}[1]。", (rc,), Intent.FIGURE)

    def _counted_parts(self, question: str, passages: tuple[RetrievedChunk, ...]) -> Draft | None:
        """“保障措施分几个方面？”: the subsections of the heading the question names, counted
        and each cited (the count is checked against the list by the verification)."""
        heading = self._parent_heading(question)
        if heading is None or find_entity(question, [e for e in self.vocab.entities if e != heading]):
            return None
        draft = self._parts(heading, passages)
        if draft is None:
            return None
        asked = re.search(r"(?:几|多少)个?(方面|领域|部分)", question)
        word = asked.group(1) if asked else "方面"
        count = draft.text.count("、") + 1
        return Draft(f"《规划》的{heading}共{count}个{word}：{draft.text}。", draft.passages, Intent.FIGURE)

    def _parts(self, heading: str, passages: tuple[RetrievedChunk, ...]) -> Draft | None:
        """The subsection names of ``heading``, each with the marker of its first chunk
        (chunks not retrieved are added to the passages)."""
        kids = self.vocab.children[heading]
        names = list(dict.fromkeys(strip_numbering(c.section_path[1]) for c in kids))
        if len(names) < 2:
            return None
        allp, pos = _with_chunks(passages, kids)
        first_of: dict[str, Chunk] = {}
        for c in kids:
            first_of.setdefault(strip_numbering(c.section_path[1]), c)
        return Draft("、".join(f"{n}[{pos[first_of[n].id]}]" for n in names), allp, Intent.LIST)

    def _parent_heading(self, question: str) -> str | None:
        """The top-level heading with subsections that the question names (保障措施)."""
        return next((h for h in sorted(self.vocab.children, key=len, reverse=True) if h in question), None)

    def _list(self, question: str, passages: tuple[RetrievedChunk, ...]) -> Draft | None:
        heading = self._parent_heading(question)
        leaf_entity = find_entity(question, [e for e in self.vocab.entities if e != heading])
        if heading and not leaf_entity:
            parts = self._parts(heading, passages)
            if parts is not None:
                return Draft(f"《规划》的{heading}包括{parts.text}等方面。", parts.passages, Intent.LIST)
        top = passages[0].chunk
        lines = [ln for ln in top.text.split("\n") if ln.strip()]
        if len(lines) >= 3:  # a list section (二、规划原则)
            items = "；".join(strip_numbering(ln) for ln in lines)
            return Draft(f"{leaf(top) or top.section}包括：{items}[1]。", passages, Intent.LIST)
        q = self._qtokens(question)
        best = None
        for pos, rc in enumerate(passages[:3]):
            for s in sentences(rc.chunk.text):
                for c in clauses(s):
                    if "、" in c or "包括" in c:
                        score = self._overlap(q, s) + self._overlap(q, rc.chunk.section) * 0.5 + 0.4 / (pos + 1)
                        if best is None or score > best[0]:
                            best = (score, pos, s, c)
        if best is None or not any("、" in c or "包括" in c for c in clauses(top.text)):
            return None  # the best passage lists nothing (“管河有啥新招”: 四长治河): answer from it, not from a list below it
        _, pos, s, c = best
        return Draft(f"{self._lead(passages[pos].chunk, s, c)}[{pos + 1}]。", passages, Intent.LIST)

    def _membership(self, question: str, passages: tuple[RetrievedChunk, ...]) -> Draft | None:
        core = re.split(r"属于|归|是哪|在哪|which|belong", question, flags=re.I)[0]
        core = re.sub(r"[“”\"？?。，,]|^(?:请问|那)", "", core).strip()
        for pos, rc in enumerate(passages[:3]):
            text = rc.chunk.text
            match = next((item for item in re.split(r"[、，。；]|包括|项目为", text) if core and (core in item or (len(core) >= 4 and core[:4] in item))), None)
            if match and len(rc.chunk.section_path) >= 2:
                s = next(s for s in sentences(text) if match in s)
                name = match.strip()
                return Draft(
                    f"{name}属于{strip_numbering(rc.chunk.section_path[0])}中的{leaf(rc.chunk)}[{pos + 1}]。{self._lead(rc.chunk, s, clauses(s)[0])}[{pos + 1}]。",
                    passages,
                    Intent.MEMBERSHIP,
                )
        return None

    def _definition(self, question: str, passages: tuple[RetrievedChunk, ...]) -> Draft | None:
        term = next((t for t in self.vocab.glossary if any(n in question for n in t.names)), None)
        if term is None:
            return None
        pos, s = next(
            ((i, s) for i, rc in enumerate(passages[:5]) for s in sentences(rc.chunk.text) if any(n in s for n in term.names)),
            (None, None),
        )
        label = "（释义依据《规划》原文）" if term.basis == "corpus" else "（释义为公共常识，非《规划》原文）"
        text = f"“{term.term}”：{_end(term.explanation)}{label}。"
        if pos is not None and s is not None:
            text += f"《规划》原文：“{_end(s)}”[{pos + 1}]。"
        return Draft(text, passages, Intent.DEFINITION)

    def _yesno(self, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
        claimed = re.findall(r"\d+(?:\.\d+)?", question)
        unit = unit_of(question)
        if claimed:
            wrong = [f for f in claimed if not re.search(rf"(?<![\d.]){re.escape(f)}(?![\d]|\.\d)", self.vocab.text)]
            fact = self._figure(question, passages) or self._general(question, passages)
            if fact is None:
                return None
            if wrong:
                return Draft(f"不是，《规划》中没有提到您说的这个数字。实际上，{fact.text}", passages, Intent.YESNO)
            return Draft(f"是的。{fact.text}", passages, Intent.YESNO)
        if unit == "money" and re.search(r"多少|几|亿|how much", question, re.I):
            return self._figure(question, passages)  # 投了12亿吗 / 投资有多少吗; not 光靠政府掏腰包吗
        best = self.best_sentences(question, passages, 1, query_vector)
        if not best:
            return None
        score, pos, s = best[0]
        chunk = passages[pos].chunk
        # no 是的: the passage that covers the subject need not say yes (光靠政府掏腰包吗？)
        opener = "《规划》对此有明确内容：" if score >= 0.75 else "《规划》中的相关内容是："
        return Draft(f"{opener}{self._lead(chunk, s, clauses(s)[0])}[{pos + 1}]。", passages, Intent.YESNO)

    def _aggregate(self, question: str, passages: tuple[RetrievedChunk, ...]) -> Draft | None:
        # 有投资额的领域一共多少个项目: the projects are counted, the investment only selects
        unit = "projects" if UNITS["projects"][0].search(question) else unit_of(question) or "money"
        if unit == "count":
            return self._figure(question, passages)
        if unit not in ("money", "projects"):
            return None
        pattern = UNITS[unit][1]
        # the top-level section whose subsections state this kind of figure (六、重点工程)
        tops = [strip_numbering(p.chunk.section_path[0]) for p in passages if len(p.chunk.section_path) >= 2]
        counts = {t: self._stating(t, unit) for t in tops}
        if not counts or max(counts.values()) < 2:  # then the headings no passage reached
            tops += [t for t in self.vocab.children if t not in tops]
            counts = {t: self._stating(t, unit) for t in tops}
        if not counts or max(counts.values()) < 2:
            return None
        top_heading = max(counts, key=lambda t: (counts[t], -tops.index(t)))
        siblings = list(self.vocab.children[top_heading])
        named = [c for c in siblings if any(n in question for n in section_names(c))]
        if len(named) < 2 and not _MAXIMA.search(question):
            focus = self._focus(question, siblings)
            if focus is not None:  # “管河、收垃圾这些事总共要花多少钱”: one section's projects
                rc = next((p for p in passages if p.chunk.id == focus.id), RetrievedChunk(focus, 0.0, 0))
                return self._figure(question, (rc,))
        group = named if len(named) >= 2 else siblings
        if unit == "projects" and re.search(r"(?:有|明确|列出|列了|写了)(?:的)?投资额|有投资的", question):
            group = [c for c in group if UNITS["money"][1].search(c.text)]
        allp, pos = _with_chunks(passages, group)
        found: list[tuple[Chunk, str]] = []
        missing: list[str] = []
        for c in group:
            m = pattern.search(c.text)
            if m:
                found.append((c, m.group(0)))
            else:
                missing.append(leaf(c))
        if len(found) < 2:
            return None
        parts, expression, total, marks = _written_sum(found, pos)
        suffix = "亿元" if unit == "money" else "个项目"
        if len(found) == 2 and re.search(r"比.+多|相差|差多少|多出|少多少|差距", question):
            (a, fa), (b, fb) = sorted(found, key=lambda x: -float(_number(x[1])))
            places = max(decimals(_number(fa)), decimals(_number(fb)))
            diff = f"{float(_number(fa)) - float(_number(fb)):.{places}f}"
            text = (
                f"{leaf(a)}{fa}[{pos[a.id]}]，{leaf(b)}{fb}[{pos[b.id]}]，"
                f"前者多{_number(fa)}-{_number(fb)}={diff}{suffix}[{pos[a.id]}][{pos[b.id]}]（按原文数字相减）。"
            )
            return Draft(text, allp, Intent.AGGREGATE)
        if re.search(r"最多|最大|最高|the most|the largest", question, re.I):
            c, fig = max(found, key=lambda x: float(_number(x[1])))
            text = f"{leaf(c)}最多，为{fig}[{pos[c.id]}]。各领域分别为：{parts}。"
        else:
            text = f"《规划》分别列出：{parts}；合计{expression}={total}{suffix}{marks}（按原文数字相加）。"
        if missing:
            text += f"{'、'.join(missing)}未列出{'投资额' if unit == 'money' else '项目数'}。"
        return Draft(text, allp, Intent.AGGREGATE)

    def _stating(self, heading: str, unit: str) -> int:
        """How many subsections of a top-level heading state a figure of ``unit`` (counted
        once per heading: a large index has many)."""
        key = (heading, unit)
        if key not in self._stated:
            self._stated[key] = sum(1 for c in self.vocab.children[heading] if UNITS[unit][1].search(c.text))
        return self._stated[key]

    def _ratio(self, question: str, passages: tuple[RetrievedChunk, ...]) -> Draft | None:
        """An average per project (生态安全领域平均每个项目投资多少) or a section's share of
        the total (占三个领域总投资的比例) of one named section, computed from the quoted
        figures and written out (12.74÷14≈0.91) so that it is verified like a sum."""
        money, projects = UNITS["money"][1], UNITS["projects"][1]
        named = self.named(question, passages, by_synonym=True)  # ecological culture → 生态文化领域
        if len(named) != 1:
            return None
        rc = named[0]
        pos = passages.index(rc) + 1
        spent = money.search(rc.chunk.text)
        if spent is None:
            return None
        a = _number(spent.group(0))
        if _AVERAGE.search(question):
            count = projects.search(rc.chunk.text)
            if count is None:
                return None
            b = _number(count.group(0))
            value = str(rounded(Decimal(a) / Decimal(b), 2))
            return Draft(
                f"{leaf(rc.chunk)}共投资{spent.group(0)}，涉及{count.group(0)}，平均每个项目约{a}÷{b}≈{value}亿元[{pos}]"
                "（按原文数字计算；《规划》未列出单个项目的投资额）。",
                passages, Intent.AGGREGATE,
            )
        if len(rc.chunk.section_path) < 2:
            return None
        siblings = [c for c in self.vocab.children[strip_numbering(rc.chunk.section_path[0])] if money.search(c.text)]
        if len(siblings) < 2 or rc.chunk.id not in {c.id for c in siblings}:
            return None
        allp, at = _with_chunks(passages, siblings)
        found = [(c, money.search(c.text).group(0)) for c in siblings]  # type: ignore[union-attr]
        parts, expression, total, marks = _written_sum(found, at)
        share = str(rounded(Decimal(a) / Decimal(total) * 100, 1))
        return Draft(
            f"《规划》分别列出：{parts}。合计{expression}={total}亿元，{leaf(rc.chunk)}占{a}÷{total}≈{share}%{marks}"
            "（按原文数字计算）。",
            allp, Intent.AGGREGATE,
        )

    #: words that every section of a figure list shares; they single out none
    FIGURE_WORDS = frozenset("投资 项目 工程 资金 总共 一共 合计 总计 加起来 多少 多少钱".split())

    def _focus(self, question: str, siblings: Sequence[Chunk]) -> Chunk | None:
        """The subsection whose text holds the question's own words (its projects, after the
        synonyms): at least two of them, and twice as many as any other subsection holds."""
        words = {t for t in self._qtokens(question) if len(t) >= 2} - GENERIC_WORDS - self.FIGURE_WORDS
        hits = sorted(((sum(w in c.text for w in words), k) for k, c in enumerate(siblings)), reverse=True)
        if not hits or hits[0][0] < 2 or (len(hits) > 1 and hits[0][0] < 2 * hits[1][0]):
            return None
        return siblings[hits[0][1]]

    def _general(self, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
        named = self.named(question, passages, by_synonym=True)
        if len(named) == 1 and len(named[0].chunk.text) <= 160:
            # “远期目标是什么？”: the named section is short enough to give whole
            chunk = named[0].chunk
            parts = sentences(chunk.text.replace("\n", "；"))
            body = "。".join([_end(self._lead(chunk, parts[0], clauses(parts[0])[0]))] + [_end(p) for p in parts[1:]])
            pos = passages.index(named[0]) + 1
            return Draft(f"{_end(body)}[{pos}]。", passages, Intent.GENERAL)
        ordinal = self._ordinal(question, passages)
        if ordinal is not None:
            return ordinal
        best = self.best_sentences(question, passages, 12, query_vector)
        if not best:
            return None
        score, pos, s = best[0]
        text = f"{self._lead(passages[pos].chunk, s, clauses(s)[0])}[{pos + 1}]。"
        second = self._second(best, passages)
        if len(s) < 40 and second is not None and second[0] > 0.5 * score:
            _, pos2, s2 = second
            if pos2 == pos:  # one passage: one subject, one marker
                text = f"{_end(text[: -len(f'[{pos + 1}]。')])}。{_end(s2)}[{pos + 1}]。"
            else:
                text += f"{self._lead(passages[pos2].chunk, s2, clauses(s2)[0])}[{pos2 + 1}]。"
        return Draft(text, passages, Intent.GENERAL)


    @staticmethod
    def _ordinal(question: str, passages: Sequence[RetrievedChunk]) -> Draft | None:
        """“第四条是什么”: the item numbered so in the first numbered list among the passages."""
        m = re.search(r"第([一二三四五六七八九十]|\d{1,2})(?:条|个|项|点)", question)
        if m is None:
            return None
        n = m.group(1)
        number = int(n) if n.isdigit() else "一二三四五六七八九十".index(n) + 1
        for pos, rc in enumerate(passages[:3]):
            lines = [ln.strip() for ln in rc.chunk.text.split("\n") if re.match(r"\s*\d+[.．、]", ln)]
            if len(lines) >= 3:
                name = leaf(rc.chunk) or rc.chunk.section
                item = next((ln for ln in lines if re.match(rf"{number}[.．、]", ln)), None)
                if item is None:  # 第九条 of five
                    return Draft(f"{name}的第{number}条", tuple(passages), Intent.NOT_STATED)
                return Draft(f"{name}第{number}条：{_end(strip_numbering(item))}[{pos + 1}]。", tuple(passages), Intent.GENERAL)
        return None

    #: how much lower than a short answering sentence the next one of its passage may score
    #: and still follow it (not after an item of a list: 4. 保护优先… is not followed by 5.)
    CONTINUATION_GAP = 0.4

    def _second(
        self, best: Sequence[tuple[float, int, str]], passages: Sequence[RetrievedChunk],
    ) -> tuple[float, int, str] | None:
        """The sentence to follow ``best[0]``: the next sentence of its passage when it scores
        within :attr:`CONTINUATION_GAP` (远期目标: “到2035年…新水平。”, then what that level
        is), else the best other one."""
        score, pos, s = best[0]
        own = sentences(passages[pos].chunk.text)
        following = own[own.index(s) + 1] if s in own and own.index(s) + 1 < len(own) else None
        nxt = next((b for b in best[1:] if b[1] == pos and b[2] == following), None)
        if nxt is not None and s.endswith("。") and nxt[0] >= score - self.CONTINUATION_GAP:
            return nxt
        # from its own passage only its continuation: not the item above a list item (4. … then 3. …)
        return next((b for b in best[1:] if b[1] != pos), None)


def _with_chunks(
    passages: tuple[RetrievedChunk, ...], chunks: Sequence[Chunk],
) -> tuple[tuple[RetrievedChunk, ...], dict[str, int]]:
    """The passages followed by those of ``chunks`` that were not retrieved, and each
    passage's marker number by chunk id (an answer over every part of a heading cites all)."""
    have = {p.id for p in passages}
    allp = passages + tuple(RetrievedChunk(c, 0.0, 0) for c in chunks if c.id not in have)
    return allp, {p.id: i + 1 for i, p in enumerate(allp)}


def _number(figure: str) -> str:
    """The number of a quoted figure: 12.74亿元 → 12.74, 14个项目 → 14."""
    m = re.match(r"\d+(?:\.\d+)?", figure)
    assert m is not None, figure
    return m.group(0)


def _written_sum(found: Sequence[tuple[Chunk, str]], at: dict[str, int]) -> tuple[str, str, str, str]:
    """For quoted figures of several sections: the cited list (生态经济领域2.64亿元[1]、…), the
    written-out sum (2.64+12.74+6.37), its result (21.75, at the operands' decimals) and
    the markers of all the figures."""
    values = [_number(fig) for _, fig in found]
    places = max(decimals(v) for v in values)
    total = f"{round(sum(float(v) for v in values), places):.{places}f}"
    parts = "、".join(f"{leaf(c)}{fig}[{at[c.id]}]" for c, fig in found)
    marks = "".join(f"[{at[c.id]}]" for c, _ in found)
    return parts, "+".join(values), total, marks


def quote_fallback(passages: Sequence[RetrievedChunk]) -> Draft:
    """When a composed answer fails verification: quote the best passage as it stands."""
    top = passages[0].chunk
    return Draft(f"根据《规划》“{top.section}”部分：“{top.text.replace(chr(10), '；')}”[1]", tuple(passages))


__all__ = [
    "Composer", "Decision", "Draft", "Intent", "NOTICE", "Thresholds", "Vocabulary",
    "classify", "decide", "load_synonyms", "quote_fallback", "refusal_text", "rewrite_followup", "strip_injection",
]
