"""What a caller's everyday words mean for the knowledge base (pure: no Django).

A query is split on spaces into terms the user typed; inside a term, the phrases of the
synonym table are found first (longest first: 不开机 stays one idea and also means 无法开机
and 开不了机), and what is left is cut into words by jieba. Particles and question words
(了, 吗, 怎么办 ...) carry no meaning for the search and are dropped; so are single
characters cut out of a longer phrase. Each remaining idea is a tuple of the words that
may stand for it; an article must mention every idea (any of its words)."""
from __future__ import annotations

import logging
import re
import threading

import jieba

jieba.setLogLevel(logging.WARNING)

STOPWORDS = frozenset(
    "了 的 吗 呢 啊 吧 呀 嘛 么 也 都 就 还 又 很 太 总是 一直 经常 老是 突然 怎么 怎么办 怎样 如何 "
    "为什么 为何 什么 咋 咋办 办 我 我的 你 您 他 她 它 这 那 这个 那个 有点 一下 请问 请 "
    "帮忙 帮 看看 问题 情况 现在 今天 昨天 时候 会 能 要 想 在 是 和 跟 与 及 或".split())
SEPARATORS = re.compile(r"[,，、/;；|\s]+")

_added: set[str] = set()
_lock = threading.Lock()


def split_words(text: str) -> list[str]:
    """'不开机, 无法开机/开不了机' -> ['不开机', '无法开机', '开不了机']."""
    return [w for w in (part.strip() for part in SEPARATORS.split(text or "")) if w]


def _teach(groups: list[list[str]]) -> None:
    """Let jieba keep every synonym as one word (added once per process)."""
    with _lock:
        for group in groups:
            for word in group:
                if word not in _added and len(word) > 1:
                    jieba.add_word(word, freq=50000)
                    _added.add(word)


def ideas(query: str, groups: list[list[str]], *, limit: int = 5) -> list[tuple[str, ...]]:
    """The ideas of a query, each as the words that may express it (synonyms expanded)."""
    _teach(groups)
    by_word: dict[str, tuple[str, ...]] = {}
    for group in groups:
        for word in group:
            by_word.setdefault(word.upper(), tuple(dict.fromkeys(group)))
    phrases = sorted(by_word, key=len, reverse=True)
    found: list[tuple[str, ...]] = []

    def add(idea: tuple[str, ...]) -> None:
        if idea not in found:
            found.append(idea)

    for term in (query or "").split():
        if len(term) == 1:
            add(by_word.get(term.upper(), (term,)))
            continue
        rest = [term]
        for phrase in phrases:
            next_rest = []
            for piece in rest:
                if phrase in piece.upper():
                    add(by_word[phrase])
                    next_rest.extend(p for p in re.split(re.escape(phrase), piece,
                                                         flags=re.IGNORECASE) if p)
                else:
                    next_rest.append(piece)
            rest = next_rest
        for piece in rest:
            for word in jieba.cut(piece):
                word = word.strip()
                if len(word) < 2 or word in STOPWORDS:
                    continue
                add(by_word.get(word.upper(), (word,)))
    return found[:limit]
