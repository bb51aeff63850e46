"""Text helpers skills share with the planners: accent folding for multilingual keyword matching,
and the call to action a request asks for ("End on 'Order today' and our web address")."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    # NFKC first: full-width "１５秒" -> "15秒", half-width katakana -> full width, ligatures split
    text = unicodedata.normalize("NFKC", char).lower().replace("ß", "ss")
    if all(ord(c) < 0x2000 for c in text):  # Latin, Greek, Cyrillic ...: drop accents
        return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    # kana and Hangul keep their marks: NFKD would turn "ガ" into "カ" and split "초" into jamo
    return text


def is_cjk(char: str) -> bool:
    """Han, kana or Hangul: scripts written without spaces between words (Korean between phrases)."""
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF  # Han
        or 0xF900 <= code <= 0xFAFF
        or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
        or 0x1100 <= code <= 0x11FF
        or 0x3130 <= code <= 0x318F
        or 0x31F0 <= code <= 0x31FF
    )


_OTHER, _LATIN, _CJK = 0, 1, 2


@lru_cache(maxsize=8192)
def _char(char: str) -> tuple[str, int, int]:
    """A character folded, and the class (other, ASCII letter or digit, CJK) of its first and last."""
    piece = _fold_char(char)
    if not piece:
        return piece, _OTHER, _OTHER

    def kind(c: str) -> int:
        if c.isascii():
            return _LATIN if c.isalnum() else _OTHER
        return _CJK if is_cjk(c) else _OTHER

    return piece, kind(piece[0]), kind(piece[-1])


@lru_cache(maxsize=2048)
def fold_with_positions(text: str) -> tuple[str, tuple[int, ...]]:
    """The folded text and, for each folded character, the index of the original one (folding
    may change the length: "ﬁ" -> "fi", "TikTok用" -> "tiktok 用"), so a match on the folded text
    cuts the original."""
    if text.isascii():  # the common case, without the per-character work
        return text.lower(), tuple(range(len(text)))
    folded: list[str] = []
    positions: list[int] = []
    previous = _OTHER
    for index, char in enumerate(text):
        piece, first, last = _char(char)
        if not piece:
            continue
        if {previous, first} == {_LATIN, _CJK}:
            folded.append(" ")  # "TikTok用" -> "tiktok 用": word patterns see the edge
            positions.append(index)
        folded.append(piece)
        positions.extend([index] * len(piece))
        previous = last
    return "".join(folded), tuple(positions)


def fold(text: str) -> str:
    """Lower-case and strip accents: "Vidéo Größe" -> "video grosse", "１５秒TikTok用" -> "15 秒 tiktok 用"
    (a space where Latin letters or digits meet CJK, so word patterns see the edge); Japanese and
    Korean keep their marks. Keywords match this form."""
    return fold_with_positions(text)[0]


def original_span(positions: tuple[int, ...] | list[int], start: int, end: int, length: int) -> tuple[int, int]:
    """The span of the original text that folded characters [start, end) came from."""
    if start >= end:
        first = positions[start] if start < len(positions) else length
        return first, first
    return positions[start], positions[end - 1] + 1


# a call to action: a cue ("end on", "finish with", "termina con", "最后", "마지막에" ...) then the
# line, quoted ('Order today', "Book now", «Compra ya», „Jetzt“, 「今すぐ」); unquoted only after
# an explicit cue ("call to action: Book a table"), since "the story ends with a hug" is content
_OPEN = "\"'‘“«„‹「『〈《"
_CLOSE = "\"'’”»“‟›」』〉》"
_END_CUES = (
    r"\b(?:end(?:s|ing)?|finish(?:es|ing)?|close(?:s)?|wrap(?:s)? up)\s+(?:it\s+)?(?:on|with)\b"
    r"|\b(?:termina(?:r|ndo)?|acaba(?:r)?|cierra|finaliza(?:r)?)\s+(?:con|en)\b"
    r"|\b(?:finir|finit|finissez|finis|terminer|terminez|termine|conclure)\s+(?:sur|par|avec)\b"
    r"|\b(?:am ende|zum schluss|endet mit|ende mit|abschliessen mit)\b"
    r"|\b(?:finisci|finire|chiudi|chiudere|concludi|termina)\s+(?:con|su)\b"
    r"|\b(?:terminar|termine|encerre|encerrar|finalize|acabe)\s+com\b"
    r"|最后|最後に|最後|结尾|結尾|片尾|締めくくり|締め|終わりに|마지막에|마지막으로|끝에|끝으로"
)
_EXPLICIT_CUES = (
    r"\bcall[- ]to[- ]action\b|\bcta\b|\bend card\b|\bllamada a la accion\b|\bappel a l'action\b"
    r"|\bhandlungsaufforderung\b|\binvito all'azione\b|\bchamada para (?:a )?acao\b"
    r"|行动号召|行動號召|号召语|結尾卡|结尾卡|行動喚起|コールトゥアクション|클로징 문구|행동 유도"
)
URL_PATTERN = (
    r"\b(?:https?://)?(?:www\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*"
    r"\.(?:com|net|org|io|co|app|shop|store|de|fr|es|it|pt|br|jp|cn|kr|tw|hk|uk|eu|ai|dev|me|tv|us|ca|au|nl|ch|at|be|se|mx|in|info|biz|xyz|site|online|studio|example)\b(?:/[^\s,;\"')]*)?"
)
_WANTS_URL = (
    r"\b(?:web ?address|website|web site|url|site|sitio web|pagina web|site web|site internet|webseite"
    r"|internetadresse|homepage|indirizzo web|sito(?: web)?|endereco|web)\b"
    r"|网址|網址|网站|網站|ウェブサイト|サイト|url|(?:웹사이트|홈페이지|사이트)(?:\s*주소)?|주소"
)
_WANTS_LOGO = r"\blogos?\b|标志|標誌|商标|商標|ロゴ|로고"
# a sentence of its own that is only a stock call to action ("... dip to white. Shop now"): the card's
# line, not a shot's subject. Matched on folded text (lower case, no accents), at a sentence's edges.
_BARE_CTA = (
    r"(?:^|[.!?;\n。！？；]\s*)("
    r"(?:shop|buy|order|book|get yours|reserve|download|subscribe|sign up|join|try it|grab yours|learn more"
    r"|discover more|find out more)(?:\s+(?:now|today|online|free|for free|here))*"
    r"|compra(?:lo|la)? (?:ya|ahora|hoy)|reserva (?:ya|ahora)|descubre mas|achetez(?: maintenant)?"
    r"|commandez(?: maintenant| des maintenant)?|reservez(?: maintenant)?|en savoir plus"
    r"|jetzt (?:kaufen|bestellen|buchen|entdecken|testen)|acquista(?: ora| subito)?|ordina ora|scopri di piu"
    r"|compre (?:ja|agora)|peca ja|saiba mais|今すぐ(?:購入|予約|注文|チェック)|立即(?:购买|購買|预订|預訂|下单|下單)"
    r"|지금 (?:구매|주문|예약)(?:하세요)?"
    r")(?:\s+(?:at|on|en|sur|auf|su|em)\s+(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+\S*?)?\s*[.!！。]?\s*$"
)


@dataclass(frozen=True)
class CallToAction:
    """What a request asks its end card to say. ``span``: where the request says it (start, end)."""

    text: str = ""
    url: str = ""
    wants_url: bool = False
    wants_logo: bool = False
    span: tuple[int, int] = (0, 0)


def call_to_action(text: str) -> CallToAction | None:
    """The end card a request spells out: "End on 'Order today' and our web address" ->
    CallToAction("Order today", wants_url=True). Quoted text is kept verbatim. ``None`` when the
    request states no line, address or logo (a bare "with a call to action" is left to the skill)."""
    folded, positions = fold_with_positions(text)
    quote = (
        r"\s*[:：,，]?\s*(?:(?:saying|that says|reading|with the (?:line|words|text))\s+"
        r"|(?:显示|顯示|打出|出现|出現|展示|加上|写上|寫上|放上|には|に|は|で|として|에는|에|으로|로)\s*)?"
        rf"[{_OPEN}]([^{_CLOSE}\n]{{1,80}})[{_CLOSE}]"
    )
    found = None
    for cue in re.finditer(f"{_END_CUES}|{_EXPLICIT_CUES}", folded):
        quoted = re.match(quote, folded[cue.end() :])
        if quoted:
            found = (cue.start(), cue.end() + quoted.start(1), cue.end() + quoted.end(1), cue.end() + quoted.end())
            break
        if re.fullmatch(_EXPLICIT_CUES, cue.group(0)):
            plain = re.match(
                r"\s*(?:[:：]|saying|that says|reading)\s*([^,.;!?\n。，；！？\"]{2,60})", folded[cue.end() :]
            )
            if plain:
                found = (cue.start(), cue.end() + plain.start(1), cue.end() + plain.end(1), cue.end() + plain.end())
                break
        near = folded[cue.end() : cue.end() + 40]
        if re.match(
            rf"\s*(?:(?:and|with|our|the|a|nuestra|nuestro|notre|unsere|il nostro|nosso|nossa)\s+)*(?:{_WANTS_URL}|{_WANTS_LOGO}|{URL_PATTERN})",
            near,
        ):
            found = (cue.start(), cue.end(), cue.end(), cue.end())
            break
    if found is None:
        bare = re.search(_BARE_CTA, folded)
        if bare is None:
            return None
        found = (bare.start(1), bare.start(1), bare.end(1), bare.end())
    start, line_start, line_end, end = found
    line = text[slice(*original_span(positions, line_start, line_end, len(text)))].strip()
    # what follows the line names the rest of the card: "... and our web address / logo / lumo.com"
    after = re.match(
        rf"(?:\s*(?:,|、|，|and|y|e|et|und|with|con|com|avec|mit|plus|&|和|与|與|及|跟|と|や|및|그리고|와|과|하고|랑)?\s*"
        rf"(?:(?:our|the|a|nuestra|nuestro|la|el|notre|le|unsere|unser|il|nostro|nostra|nosso|nossa|o|我们的|我們的|弊社の|当社の|우리)\s*)*"
        rf"(?:{_WANTS_URL}|{_WANTS_LOGO}|{URL_PATTERN}))+",
        folded[end:],
    )
    if after:
        end += after.end()
    tail = folded[start:end]
    url = re.search(URL_PATTERN, tail)
    return CallToAction(
        text=line[:80],
        url=text[slice(*original_span(positions, start + url.start(), start + url.end(), len(text)))] if url else "",
        wants_url=url is not None or re.search(_WANTS_URL, tail) is not None,
        wants_logo=re.search(_WANTS_LOGO, tail) is not None,
        span=original_span(positions, start, end, len(text)),
    )
