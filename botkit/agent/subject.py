"""What a request shows, in the user's own words: the request with its production phrases taken out.

Production phrases are what the planner reads into other fields: the request's framing ("make a
... video for"), lengths, counts, platforms and formats, captions, camera moves, image references
("using these photos"), a call to action ("end on 'Order today'") and sentences that talk to the
bot instead of describing a video (prompt injection). Everything else is content and is kept,
in the order and the words the user wrote. Matching runs on the folded text and cuts the
original, so accents, case and scripts survive.
"""

from __future__ import annotations

import re
from functools import lru_cache

from botkit.agent import timing, words
from botkit.skills.text import call_to_action, fold_with_positions, is_cjk, original_span

_UNITS = "|".join(sorted(words.DURATION_UNITS, key=len, reverse=True))
_CJK_UNITS = "|".join(sorted(words.CJK_UNITS, key=len, reverse=True))
_COUNTS = "|".join(sorted(words.COUNT_NOUNS, key=len, reverse=True))
_CJK_COUNTS = "|".join(sorted(words.CJK_COUNT_NOUNS, key=len, reverse=True))
_PLATFORMS = "|".join(
    [p for p, _ in words.PLATFORM_PATTERNS] + [words.INSTAGRAM_PATTERN] + [p for p, _ in words.FORMAT_PATTERNS]
)
_CAMERAS = "|".join(p for p, _ in words.CAMERA_PATTERNS)
_LEAD = (
    r"(?:(?:for|on|in|to|as|into|para|en|pour|sur|au|fur|auf|im|als|per|su|nel|no|na|em|do|da|and|y|et|und|e|,)\s+)*"
    r"(?:(?:the|our|my|a|an|el|la|nuestro|nuestra|le|notre|das|den|unser|unsere|il|lo|nostro|nostra|o|a|nosso|nossa)\s+)?"
)
_SOUND = (
    r"(?:music|musica|musique|musik|soundtrack|voice ?over|voiceover|narration|narrator|voix off|sound|audio|sonido)"
)
_IMAGES = (
    r"(?:photos?|images?|pictures?|pics?|screenshots?|panels?|frames?|sketch(?:es)?|drawings?|fotos?|imagenes|imagen|bildern?"
    r"|paneles|vinetas?|vignettes?|planches?|dessins?|immagini|immagine|foto|tavole|pannelli|imagens|imagem|paineis|quadros)"
)
_THESE = (
    r"(?:these|this|my|the|our|attached|uploaded|esta|estas|este|estos|mis|las|los|nuestras|ces|cette|mes|les|nos|estes|esses|essas|meus"
    r"|diese[mn]?|meine[nm]?|die|den|unsere[nm]?|questa|queste|questo|questi|mie|le|nostre|i|essa|essas|esse|esses|estas|minhas|as|os|nossas)"
)
_PATTERNS: list[str | tuple[str, str]] = [
    # "lasts 5 seconds", "dura 4 segundos", "dauert 5 Sekunden": the verb of a length
    rf"\b(?:lasts?|lasting|should last|runs? for|takes|dura|duran|dure|durent|dauert|dauern|duram|tiene|takes up)\s+(?=(?:about\s+|for\s+|unos\s+|etwa\s+)?(?:\d|{words.NUM}))",
    r"(?:持续|持續|长度为|長度為|は|는|은|이|가)\s*(?=\d+(?:\.\d+)?\s*(?:秒|초))",
    # lengths: "10 second", "of 20 seconds", "15-second", "lasting 5 s", "2 segundos cada una"
    (
        r"\b(?:of|de|von|di|da|do|lasting|that lasts|about|around|approximately|unos|environ|circa|etwa|cerca de|durante)\s+",
        rf"(?<![\w.,]){words.NUM}\s*-?\s*(?:{_UNITS})\b(?:\s+(?:long|lang|de long|de duracion|di durata|de duracao|in length|max|maximum))?"
        rf"(?:{words.EACH_PATTERN})?",
    ),
    rf"(?:\b(?:each|every|cada|chaque|jeweils|ogni|ciascun[oa]|je)\s+(?:(?:one|shot|panel|scene|step|clip|uno|una|plano|escena|plan|vignette|scena|um|uma|cena|painel)\s+)?(?:(?:for|lasting|of|de|dura|dure|dauert|di|com)\s+)?)"
    rf"(?=\d|{words.NUM})",
    rf"(?:时长|時長|长度|長度|总长|總長|全长|全長|持续|持續|共|总共|總共|约|約|大约|大約|全部で|長さ|길이)?\s*(?:为|為|は|が|是)?\s*"
    rf"(?<![\d.])(?:\d+(?:\.\d+)?|{words.HAN_NUMBER})\s*(?:{_CJK_UNITS}|(?<=\d)\s*分(?![钟鐘間])|(?<=\d)\s*분)"
    r"(?:左右|くらい|ぐらい|程度|以内|정도|내외|이내|前後)?\s*(?:的|の|짜리|의|で|에|으로|로|内|以内|之内|ずつ|씩|一个|一個)?",
    r"(?:每一个|每一個|每个|每個|每段|每格|每幅|每张|每張|各|それぞれ|각각|각)\s*"
    + rf"(?:{words.CJK_SHOT_NOUN})?\s*(?=\d)",
    # counts: "in 3 shots", "three panels", "5 steps", "三个镜头", "3つのショット", "세 장면", "分三步"
    (
        r"\b(?:in|en|with|con|avec|mit|into|across|over|using|as|em|com|di|da|of|de|in)\s+",
        rf"(?<![\w.,]){words.COUNT_NUM}\s*-?\s*"
        rf"(?:(?:short|quick|long|different|separate|distinct|continuous|consecutive|simple|easy|cortos?|cortas?|courts?|courtes?|kurze[n]?|brevi|curtos?|curtas?|rapidos?|faciles|einfache[n]?|semplici|simples)\s+)?(?:{_COUNTS})\b",
    ),
    rf"(?:分成|分为|分為|分|用|共|总共|總共|で|全)?\s*(?<![\d第])(?:\d+|{words.HAN_NUMBER}|{words.KOREAN_NUMBER})\s*{words.CJK_COUNTERS}\s*(?:{_CJK_COUNTS})"
    r"(?:的|で|に|으로|로|로 된|으로 된|에 걸쳐|에|に分けて|构成|構成|组成|組成)?",
    rf"(?:{_CJK_COUNTS})\s*(?:\d+|{words.KOREAN_NUMBER})\s*(?:개|가지)(?:의|로|으로)?",
    rf"分\s*(?:{words.HAN_NUMBER}|\d+)\s*步|(?<![第\d])(?:{words.HAN_NUMBER}|\d+)\s*步(?!骤|驟)",
    words.SINGLE_SHOT_PATTERN,
    # platforms and formats: "for the Instagram feed", "square", "on TikTok and Reels", "抖音上", "틱톡용"
    (
        _LEAD,
        rf"(?:{_PLATFORMS})(?:\s*(?:format|formato|formats|video|videos|feed|post|posts|story|stories|clip|aspect ratio|ratio|version|versions|versione|versao|versión))?"
        r"(?:\s*(?:上|用|用の|向け|向けの|の|용|용으로|에|에 올릴|平台|版|版本|格式|フォーマット|형식|버전|的|で))?",
    ),
    r"\b(?:format|formato|formats?)\s+(?:carre|cuadrado|vertical|horizontal|paysage|portrait|quadrato|verticale|orizzontale|quadrado)\b",
    r"\b(?:(?:in|at|en|em)\s+)?(?:4k|8k|hd|full hd|uhd|1080p|720p|60 ?fps|30 ?fps|24 ?fps)\b",
    # image references: "using these photos", "animate these panels", "con estas fotos", "用这些图片"
    rf"\b(?:using|with|from|based on|con|avec|mit|a partir de|de|aus|da|com|a partir das?|a partir dos?|utilizando|usando|en utilisant)\s+{_THESE}\s+(?:\d+\s+|two |three |four |five )?{_IMAGES}\b",
    rf"\b(?:animate|anima|animar|animez|anime|animer|animiere|animieren|animare|animali|animate)\s+(?:{_THESE}\s+)?(?:\d+\s+)?(?:{_IMAGES}|storyboard|storyboards)?",
    rf"\b{_THESE}\s+(?:\d+\s+)?{_IMAGES}\b",
    r"(?:用|使用|根据|根據|把)?\s*(?:这些|這些|这|這|这张|這張|这几张|這幾張)\s*(?:图片|圖片|照片|图|圖|分镜|分鏡|画面|畫面)(?:做成|制作|製作|来做|來做)?"
    r"|(?:この|これらの)\s*(?:画像|写真|絵コンテ|コマ|パネル)(?:を使って|で|から|を)?"
    r"|(?:이|이런|첨부한|이들)\s*(?:사진|이미지|그림|콘티|패널)(?:들)?(?:로|으로|을|를)?",
    # captions and sound
    (
        r"(?:\b(?:with|con|avec|mit|and|y|et|und|e|com|plus)\s+)?(?:(?:burned[- ]in|burnt[- ]in|on-screen|big|bold|large|animated|automatic)\s+)?",
        rf"(?:{words.CAPTION_PATTERN})(?:\s+(?:on|in|en|em|auf)\s+(?:english|spanish|french|german|italian|portuguese|espanol|ingles|francais|deutsch|italiano|portugues|screen))?",
    ),
    words.NO_CAPTION_PATTERN,
    r"(?:자막|캡션)\s*(?:이|을|를)?\s*(?:있는|넣은|포함된|달린|붙인)|(?:带|帶|加上|加|配上|配|有|附上|附|넣은|포함한|포함)\s*(?:字幕|自幕)|(?:字幕|テロップ|キャプション|자막|캡션)\s*(?:付き|付きの|あり|入り|入りの|を入れて|を付けて|을 넣어|를 넣어|포함|과 함께|와 함께|넣어서)?",
    (
        r"(?:\b(?:with|con|avec|mit|com|and|y|et|und|e|no|without|sin|sans|ohne|senza|sem)\s+)?(?:(?:upbeat|calm|background|some|epic|happy|soft|energetic|chill|dramatic|relaxing|fun|de fondo|de fond|im hintergrund|di sottofondo|de fundo)\s+)*",
        rf"\b{_SOUND}\b(?:\s+(?:de fondo|de fond|im hintergrund|di sottofondo|de fundo))?",
    ),
    r"(?:配上|配|加上|带|帶)?\s*(?:背景)?(?:音乐|音樂|旁白|配音)|(?:BGM|音楽|ナレーション)(?:付き|入り|あり)?|(?:배경)?\s*(?:음악|내레이션)",
    # camera moves: "slow push in", "with a pan left", "静态", "ズームイン", "줌인"
    (
        r"(?:\b(?:with a|with an|with|con un|con una|con|avec un|avec une|avec|mit einem|mit einer|mit|com um|com uma|com|using a|and a|and|y|et|und|e)\s+)?"
        rf"(?:(?:camera|camara|kamera|camera)\s+)?(?:{words.CAMERA_SPEED}\s*(?:(?:camera|kamera)\s+)?)?",
        rf"(?:{_CAMERAS})"
        r"(?:\s+(?:lent|lente|lento|lenta|langsam|lento|lentamente|shot|move|movement|motion|camera|camara|kamera|de camara))?"
        r"(?:\s*(?:的|で|で撮る|로|으로))?",
    ),
    # kinds of video: "social media", "step-by-step", "the kind of video"
    (
        _LEAD,
        r"(?:social media|social networks|redes sociales|(?:les\s+)?reseaux sociaux|soziale medien|social network|redes sociais|社交媒体|社交媒體|社群媒体|社群媒體|sns|소셜 미디어|소셜미디어)\b",
    ),
    r"\b(?:step[- ]by[- ]step|paso a paso|etape par etape|schritt fur schritt|passo (?:dopo|a) passo)\b|一步一步|逐步|ステップバイステップ|단계별",
]
# the kind of video: strong nouns always, weak nouns ("story", "post", "film") only before a link word
_STRONG_KIND = "(?:" + "|".join(
    sorted(
        [
            *"""video videos clip clips ad ads advert advertisement promo promos teaser animatic animatics tutorial
            tutorials explainer anuncio anuncios animatica tutoriel publicite werbevideo werbespot produktvideo
            schulungsvideo erklarvideo animatik pubblicita publicidade storyboard storyboards""".split(),
            *["video promocional", "video de producto", "video promotionnel", "video produit", "video promozionale",
              "video prodotto", "spot pubblicitario", "video do produto", "video de produto", "product video",
              "promo video"],
        ],
        key=len,
        reverse=True,
    )
) + ")"  # fmt: skip
_KIND_ADJ = (
    r"(?:(?:short|quick|little|brief|fun|cool|nice|simple|promotional|promo|product|marketing|social|social media|brand|branded"
    r"|training|tutorial|how[- ]to|explainer|demo|launch|teaser|storyboard|instructional|onboarding|animated|corto|breve"
    r"|promocional|court|courte|petit|petite|kurzes|kurzer|kleines|breve|curto|curta|pequeno|pequena|\w+-second)\s+)*"
)
_WEAK_KIND = (
    r"(?:post|story|stories|film|movie|spot|demo|training|walkthrough|how[- ]to|commercial|reel|storyboard|guide|lesson"
    r"|publicidad|formacion|capacitacion|pub|annonce|formation|animatique|werbung|schulung|anleitung|formazione|propaganda"
    r"|comercial|treinamento|guia|guida|historia|histoire|geschichte)"
)
_ARTICLE = r"(?:(?:a|an|the|one|un|una|une|ein|eine|einen|uno|um|uma|il|lo|la|le|el|o|this|that|ce|cette|questo|este|esse|dieses)\s+)?"
_KIND_PATTERNS = [
    # "video de formación", "video di formazione": the kind said twice
    rf"\b{_ARTICLE}{_KIND_ADJ}{_STRONG_KIND}\s+(?:de|di|of|do|da|du|der|des)\s+{_WEAK_KIND}\b(?:\s+{words.KIND_LINK}\b)?",
    # a request opening on its kind: "formation étape par étape, ...", "Training: ..."
    rf"^{_ARTICLE}{_KIND_ADJ}{_WEAK_KIND}\b(?=\s*(?:$|[,.;:!?]|\s+(?:step|paso|etape|schritt|passo|in|en|em|de|di|sur|on|about|zum|zur)\b))",
    # the request's framing: "Make me a", "haz un", "erstelle ein"
    rf"^(?:{words.FILLER_PATTERN[1:]})(?:(?:a|an|one|the|un|una|une|ein|eine|einen|uno|um|uma|some)\s+)?",
    rf"\b{_ARTICLE}{_KIND_ADJ}{_STRONG_KIND}\b(?:\s+{words.KIND_LINK}\b)?",
    rf"\b{_ARTICLE}{_KIND_ADJ}{_WEAK_KIND}\s+{words.KIND_LINK}\b",
    rf"\b{_ARTICLE}{_KIND_ADJ}{_WEAK_KIND}\s*(?=$|[,.;:!?])",
    rf"(?:{words.CJK_LINK})?\s*(?:的|の)?\s*{words.CJK_VIDEO_NOUN}\s*(?:{words.CJK_FRAMING_END})?",
    words.CJK_FRAMING,
    words.CJK_ANIMATE,
    rf"{words.CJK_MAKE_BEFORE_NOUN}{words.CJK_VIDEO_NOUN})",
    rf"^(?:为|為|给|給|帮|幫)(?=[^，。,]{{1,30}}?{words.CJK_MAKE_BEFORE_NOUN}{words.CJK_VIDEO_NOUN}))",
    r"^(?:内容是|內容是|内容为|內容為|画面是|畫面是)|(?:，|,)\s*(?:内容是|內容是|内容为|內容為|画面是|畫面是)",
    rf"(?:{words.CJK_LINK})\s*(?=$|[，。,.])",
]
# a pattern with a lead ("for the", "with a slow") is searched by its core, then the lead is looked
# for just before each match: a lead that may match anywhere would be tried at every position
_PRODUCTION = [
    # the lead starts at a word's start: "vide[o for X]" must not read the "o" of "video" as an article
    (re.compile(rf"(?:\b|(?!\w))(?:{p[0]})$"), re.compile(p[1])) if isinstance(p, tuple) else (None, re.compile(p))
    for p in _PATTERNS
]
_FRAMING = [re.compile(p) for p in _KIND_PATTERNS]
_INJECTION = re.compile(words.INJECTION_PATTERN)
_SENTENCE = re.compile(r"[^.!?\n。！？]+[.!?\n。！？]*")
_HOW_TO = r"\b(?:how to|how do you|como|comment|wie man|come|como se)\s+"
_KIND_ONLY = (
    r"^(training|tutorial|tutoriel|onboarding|schulung|anleitung|formation|formacion|formazione|treinamento|how-to)\w*"
    r"(\s+(video|videos))?$"
)
# words that cannot end a phrase: left hanging before a cut ("our lamp for [TikTok]")
_TRAILING = re.compile(
    r"(?:\s*\b(?:and|or|with|for|of|in|on|at|to|as|by|about|from|the|a|an|then|plus|y|o|con|para|de|del|en|el|la|los|las|un|una"
    r"|luego|et|ou|avec|pour|du|des|le|les|au|aux|puis|sur|und|oder|mit|fur|von|im|auf|als|der|die|ein|eine|einen|dann|uber"
    r"|e|ed|per|di|il|lo|gli|poi|su|com|do|no|na|em|um|uma|depois|sobre|showing|featuring|where|que|qui|che|d'|l')\s*)+$"
)
# words that cannot start a phrase after a cut in mid-sentence ("[a video] of a cat", "[Short] sur nos plantes")
_LEADING = re.compile(
    r"^(?:(?:and|or|with|for|of|in|on|at|to|as|by|about|from|then|also|plus|y|o|con|para|de|del|en|luego|et|ou|avec|pour|du|des"
    r"|au|aux|puis|sur|und|oder|mit|fur|von|im|auf|als|dann|uber|zu|zum|zur|e|ed|per|di|da|del|della|dello|dei|degli|delle|su|sul"
    r"|sulla|poi|com|do|dos|das|no|na|em|depois|sobre|acerca de|showing|show|shows|featuring|where|in which|that shows|about how"
    r"|que muestre|mostrando|montrant|qui montre|das zeigt|che mostra|que mostra)\b\s*|d')+"
)
# after any cut, a topic preposition has lost what it linked: "[formation, 4 étapes,] sur le montage"
_TOPIC = re.compile(r"^(?:(?:about|sur|uber|zum|zur|acerca de|a proposito de|riguardo a|sobre como)\b\s*)+")
_CJK_LEADING = re.compile(rf"^(?:{words.CJK_LEADING}|\s)+")
_CJK_TRAILING = re.compile(rf"(?:{words.CJK_TRAILING}|\s)+$")
_MARKER_ONLY = re.compile(
    rf"^(?:{timing.SHOT_MARKER.pattern})\s*(?:lasts?|dura|duran|dure|dauert|for|para|pour|:|は|는|은|이|가)?\s*$"
)


def _production(folded: str) -> list[tuple[int, int]]:
    spans = []
    for lead, core in _PRODUCTION:
        for match in core.finditer(folded):
            start, end = match.span()
            if end <= start:
                continue
            if lead is not None:
                before = lead.search(folded, max(0, start - 60), start)
                if before is not None:
                    start = before.start()
            spans.append((start, end))
    return spans


def _spans(folded: str, framing: bool) -> list[tuple[int, int]]:
    spans = _merge(_production(folded))
    if framing:
        # the framing is read with the production phrases out: "une pub [LinkedIn] pour notre logiciel"
        masked, where = _masked(folded, spans)
        for pattern in _FRAMING:
            for match in pattern.finditer(masked):
                if match.end() > match.start():
                    spans.append((where[match.start()], where[match.end() - 1] + 1))
        for sentence in _SENTENCE.finditer(folded):
            if _INJECTION.search(sentence.group(0)):
                spans.append(sentence.span())  # it talks to the bot: not a description of the video
    return _merge(spans)


def _masked(folded: str, spans: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """``folded`` with ``spans`` replaced by one space each, and each kept character's index in ``folded``."""
    out: list[str] = []
    where: list[int] = []
    last = 0
    for start, end in spans:
        out.append(folded[last:start])
        where.extend(range(last, start))
        out.append(" ")
        where.append(start)
        last = end
    out.append(folded[last:])
    where.extend(range(last, len(folded)))
    return "".join(out), where


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _tidy(text: str) -> str:
    """Whitespace and punctuation left where phrases were cut."""
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:，、；：])(?:\s*[,;:，、；：])+", r"\1", text)
    text = re.sub(r"\(\s*\)|\[\s*\]", " ", text)
    return re.sub(r"\s+", " ", text).strip(" ,.;:!?-–—·•*/\n\t，、。；：！？")


def _strip(text: str, pattern: re.Pattern[str], cjk: re.Pattern[str]) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _tidy(text)
        folded = words.fold(text)
        match = pattern.search(folded)
        if match and match.group(0).strip() and len(folded) == len(text):
            text = text[: match.start()] + text[match.end() :]
        match = cjk.search(text)
        if match and match.group(0).strip():
            text = text[: match.start()] + text[match.end() :]
    return text


def _trim(piece: str, cut_before: bool, cut_after: bool, cut_after_any_before: bool = False) -> str:
    """A piece between cuts, without the words the cuts left hanging at its edges."""
    if cut_after:
        piece = _strip(piece, _TRAILING, _CJK_TRAILING)
        if re.search(r"[가-힣](?:의|을|를)\s*$", piece):  # "리트리버의 [15초 영상]": the particle tied it to the cut
            piece = re.sub(r"(?:의|을|를)\s*$", "", piece)
    if cut_before:
        piece = _strip(piece, _LEADING, _CJK_LEADING)
    piece = _tidy(piece)
    if cut_after_any_before:
        piece = _strip(piece, _TOPIC, _CJK_LEADING)
    return "" if _MARKER_ONLY.match(words.fold(piece)) else piece


@lru_cache(maxsize=512)
def production_spans(text: str, framing: bool = True) -> tuple[tuple[int, int], ...]:
    """Spans of ``text`` (original indices) that are production phrases, not content. ``framing``:
    also the request's framing ("make a ... video for"), its call to action and any sentence that
    talks to the bot; without, only lengths, counts, platforms, formats, captions, sound and camera."""
    folded, positions = fold_with_positions(text)
    spans = [original_span(positions, start, end, len(text)) for start, end in _spans(folded, framing)]
    cta = call_to_action(text) if framing else None
    if cta is not None:
        spans.append(cta.span)
    return tuple(_merge(spans))


def cut(text: str, spans: tuple[tuple[int, int], ...] | list[tuple[int, int]]) -> str:
    """``text`` with ``spans`` taken out and the pieces joined: what remains is content."""
    pieces: list[tuple[str, bool, bool]] = []  # (raw piece, cut before it, cut after it)
    last = 0
    for start, end in sorted(spans):
        if start > last:
            pieces.append((text[last:start], last > 0, True))
        last = max(last, end)
    if last < len(text) or not pieces:
        pieces.append((text[last:], last > 0, False))
    out = out_raw = ""
    for raw, before, after in pieces:
        # a cut in mid-sentence ("[a video] of a cat") leaves a hanging link word; after a comma it is content
        mid_sentence = before and not re.match(r"\s*[,;:，、；：.。!?！？\n]", raw)
        piece = _trim(raw, mid_sentence, after and not re.search(r"[,;:，、；：.。!?！？]\s*$", raw), before)
        if not piece:
            continue
        if out:
            joiner = " "
            if re.match(r"\s*[:：]", raw) or re.search(r"[:：]\s*$", out_raw):
                joiner = ": "  # "[a promo for] our mug[, 3 shots]: steam rises": the lead keeps its colon
            elif re.match(r"\s*[,;，、；]", raw) or re.search(r"[,;，、；]\s*$", out_raw):
                joiner = ", "
            if re.match(r"\s*[.。!?！？]", raw) or re.search(r"[.。!?！？]\s*$", out_raw):
                joiner = ". "
            if _is_cjk_edge(out, piece):
                joiner = {": ": "：", ", ": "，", ". ": "。"}.get(joiner, "")
            out += joiner
        out += piece
        out_raw = raw
    return _tidy(out)


def _is_cjk_edge(left: str, right: str) -> bool:
    return bool(left and right and is_cjk(left[-1]) and is_cjk(right[0]) and not re.match(r"[가-힣]", right[0]))


def without_production_words(segment: str) -> str:
    """The text with lengths, counts, platforms, formats, captions, sound and camera words taken
    out; the request's framing ("a video for ...") stays: "a video for our lamp, 10 s, TikTok" ->
    "a video for our lamp" (``revise`` reads "for our lamp" as a new subject)."""
    return cut(segment, production_spans(segment, framing=False))


@lru_cache(maxsize=512)
def content(segment: str) -> str:
    """The text with every production phrase out, framing included: "a red circle moving left on a
    blue background, square for the Instagram feed" -> "a red circle moving left on a blue background"."""
    return cut(segment, production_spans(segment))


def description(text: str) -> str:
    """Everything the request shows, every line, in the user's words (production phrases out)."""
    lines = [content(line) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def find_subject(text: str) -> str:
    """A short name for what the video is about, for titles: the first line's content, up to a
    colon ("Training video: how to reset the router: 1. ..." -> "how to reset the router"); a
    segment that was only production words ("Training video") is skipped. "" when there is none."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    segments = [s.strip() for s in re.split(r"[:：]", content(first)) if s.strip(" ,.;")]
    subject = segments[0] if segments else ""
    folded = words.fold(subject)
    how_to = re.search(_HOW_TO, folded)
    if how_to and how_to.start() == 0 and len(folded) == len(subject):
        subject = re.split(r"[,;]\s", subject, maxsplit=1)[0]
    return _tidy(re.sub(r"[\"`]+", "", subject))[:200]
