"""Word timing from a synthesiser's phonemes: map the spoken words of a script onto the phoneme
words an engine actually voiced, which are not always one to one (espeak-ng joins unstressed
function words, "in the" -> "ɪnðə", and may split one written word in two).

The mapping is a small monotone alignment (dynamic programming) scored on each word's phonemes
when read on its own; a group voiced for several words is shared out by their phoneme counts.
"""

from __future__ import annotations

from dataclasses import dataclass

_MARKS = str.maketrans("", "", "ˈˌːˑ‿-")  # stress, length and tie marks: not what tells words apart
_MAX_JOIN = 4  # words one phoneme group may hold ("in the", "of the", "it is a")
_SKIP = 4.0  # cost of a word with no phonemes or phonemes with no word


@dataclass(frozen=True)
class PhonemeGroup:
    """Phonemes voiced between two word boundaries and where they lie in the samples."""

    phonemes: str
    start: int
    end: int


def plain(phonemes: str) -> str:
    return phonemes.translate(_MARKS)


def _cost(words: str, group: str) -> float:
    if not words or not group:
        return float(len(words) + len(group))
    return abs(len(words) - len(group)) + (words[0] != group[0]) + 0.5 * (words[-1] != group[-1])


def word_spans(word_phonemes: list[str], groups: list[PhonemeGroup]) -> list[tuple[int, int]]:
    """(start, end) samples for each word, from the phoneme ``groups`` an engine voiced.

    ``word_phonemes[i]`` is word ``i`` phonemised on its own. Every word gets a span; a word no
    group matched is given the point where its neighbours meet.
    """
    words = [plain(p) for p in word_phonemes]
    heard = [plain(g.phonemes) for g in groups]
    n, m = len(words), len(heard)
    inf = float("inf")
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    step: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    # phonemes of up to _MAX_JOIN consecutive words / groups, joined once
    word_runs = [["".join(words[i : i + k]) for k in range(_MAX_JOIN + 1)] for i in range(n + 1)]
    group_runs = [["".join(heard[j : j + k]) for k in range(_MAX_JOIN + 1)] for j in range(m + 1)]
    best[0][0] = 0.0
    # the path stays near the diagonal: words and groups drift apart only by the joins and splits
    band = 6 + abs(n - m)
    for i in range(n + 1):
        centre = i * m / n if n else 0
        for j in range(max(0, int(centre) - band), min(m, int(centre) + band) + 1):
            here = best[i][j]
            if here == inf:
                continue
            moves: list[tuple[int, int, float]] = []
            if j < m:
                for k in range(1, min(_MAX_JOIN, n - i) + 1):
                    moves.append((k, 1, _cost(word_runs[i][k], heard[j]) + 0.25 * (k - 1)))
                for k in range(2, min(_MAX_JOIN, m - j) + 1):
                    if i < n:
                        moves.append((1, k, _cost(words[i], group_runs[j][k]) + 0.25 * (k - 1)))
                moves.append((0, 1, _SKIP + len(heard[j])))
            if i < n:
                moves.append((1, 0, _SKIP + len(words[i])))
            for di, dj, cost in moves:
                total = here + cost
                if total < best[i + di][j + dj]:
                    best[i + di][j + dj] = total
                    step[i + di][j + dj] = (di, dj)
    spans: list[tuple[int, int] | None] = [None] * n
    i, j = n, m
    while i or j:
        move = step[i][j]
        assert move is not None
        di, dj = move
        if di and dj:
            start, end = groups[j - dj].start, groups[j - 1].end
            lengths = [max(1, len(w)) for w in words[i - di : i]]
            total = sum(lengths)
            cursor = start
            for offset, length in enumerate(lengths):
                stop = end if offset == di - 1 else cursor + round((end - start) * length / total)
                spans[i - di + offset] = (cursor, stop)
                cursor = stop
        i, j = i - di, j - dj
    return _fill(spans, groups[-1].end if groups else 0)


def _fill(spans: list[tuple[int, int] | None], total: int) -> list[tuple[int, int]]:
    filled: list[tuple[int, int]] = []
    for index, span in enumerate(spans):
        if span is not None:
            filled.append(span)
            continue
        before = filled[-1][1] if filled else 0
        after = next((s[0] for s in spans[index + 1 :] if s is not None), total)
        point = max(before, min(after, before))
        filled.append((point, point))
    return filled
