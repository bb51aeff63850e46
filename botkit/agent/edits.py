"""The words follow-ups are read with: which shot a message names and what it asks to change.

English, Spanish, French, German, Italian, Portuguese, Japanese, Chinese (simplified and
traditional) and Korean. Patterns match the text as ``normalise`` writes it: Latin letters
lower-cased without accents ("añade" -> "anade"), width-folded (NFKC: "２" -> "2"), and kana, han
and hangul kept as they are (accent folding would strip dakuten and split hangul into jamo). Latin
words are matched between word boundaries; CJK words are not (no spaces, particles attach to words).

Platforms, lengths and camera words for new requests belong to the planner (``botkit.agent.words``);
this module only adds what revisions need, plus the few CJK/Italian/Portuguese forms a follow-up
uses that the planner's tables do not have yet (used only when the planner's helpers find nothing).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from botkit.agent import words


def is_cjk(char: str) -> bool:
    """Kana, han, hangul and CJK punctuation: kept as typed by ``normalise``."""
    code = ord(char)
    return (
        0x3000 <= code <= 0x30FF  # CJK punctuation, hiragana, katakana
        or 0x31F0 <= code <= 0x31FF
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xAC00 <= code <= 0xD7AF  # hangul syllables
        or 0x1100 <= code <= 0x11FF
        or 0x3130 <= code <= 0x318F
    )


@dataclass(frozen=True)
class Normalised:
    """A message as patterns read it, with the way back to the characters the user typed."""

    original: str
    text: str
    positions: tuple[int, ...]  # for each character of ``text``, its index in ``original``

    def original_span(self, start: int, end: int) -> str:
        """The user's own characters (case and accents kept) behind ``text[start:end]``."""
        if start >= end or start >= len(self.positions):
            return ""
        return self.original[self.positions[start] : self.positions[min(end, len(self.positions)) - 1] + 1]


def normalise(text: str) -> Normalised:
    out: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        for piece in unicodedata.normalize("NFKC", char):
            folded = piece if is_cjk(piece) else words.fold(piece)
            for item in folded:
                out.append(item)
                positions.append(index)
    return Normalised(text, "".join(out), tuple(positions))


def spaced(text: str) -> str:
    """Spaces between CJK and other characters ("TikTok用に3秒" -> "TikTok 用に 3 秒"), so the
    planner's word-boundary patterns see "tiktok" and "3" as words."""
    return re.sub(r"(?<=[^\s])(?=[\u3000-\u9fff\uac00-\ud7af])|(?<=[\u3000-\u9fff\uac00-\ud7af])(?=[^\s])", " ", text)


def planner_form(text: str) -> str:
    """What the planner's ``find_*`` helpers take: accent-folded, CJK spaced from other words."""
    return words.fold(spaced(text))


def alternation(items: Iterable[str]) -> str:
    """Longest first, so "shots" wins over "shot"."""
    return "|".join(sorted(items, key=len, reverse=True))


# -- shots: nouns and numbers ------------------------------------------------------------------

LATIN_SHOT_NOUNS = [
    "shot", "shots", "scene", "scenes", "clip", "clips", "panel", "panels", "step", "steps", "part", "parts",
    "plano", "planos", "toma", "tomas", "escena", "escenas", "paso", "pasos", "vineta", "vinetas", "paneles",
    "parte", "partes",
    "plan", "plans", "prise", "prises", "sequence", "sequences", "etape", "etapes", "vignette", "vignettes",
    "partie", "parties",
    "einstellung", "einstellungen", "szene", "szenen", "schritt", "schritte", "bild", "bilder", "abschnitt",
    "abschnitte",
    "inquadratura", "inquadrature", "scena", "ripresa", "riprese", "passo", "passi", "vignetta", "vignette",
    "pannello", "pannelli",
    "cena", "cenas", "tomada", "tomadas", "quadro", "quadros", "etapa", "etapas", "passos", "painel", "paineis",
    "clipe", "clipes",
]  # fmt: skip
CJK_SHOT_NOUNS = [
    "ショット", "シーン", "カット", "クリップ", "コマ", "パネル", "ステップ", "場面",
    "镜头", "鏡頭", "场景", "場景", "画面", "畫面", "片段", "分镜", "分鏡", "步骤", "步驟",
    "샷", "장면", "컷", "씬", "클립", "패널", "단계",
]  # fmt: skip
LATIN_NOUN = rf"(?:{alternation(LATIN_SHOT_NOUNS)})"
CJK_NOUN = rf"(?:{alternation(CJK_SHOT_NOUNS)})"
SHOT_NOUN = rf"(?:\b{LATIN_NOUN}\b|{CJK_NOUN})"

ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "last": -1, "final": -1, "opening": 1,
    "closing": -1, "penultimate": -2, "second to last": -2, "second-to-last": -2, "next to last": -2,
    "second last": -2,
    "primer": 1, "primero": 1, "primera": 1, "segundo": 2, "segunda": 2, "tercer": 3, "tercero": 3,
    "tercera": 3, "cuarto": 4, "cuarta": 4, "quinto": 5, "quinta": 5, "sexto": 6, "sexta": 6, "septimo": 7,
    "septima": 7, "octavo": 8, "octava": 8, "noveno": 9, "novena": 9, "decimo": 10, "decima": 10,
    "ultimo": -1, "ultima": -1, "penultimo": -2, "penultima": -2,
    "premier": 1, "premiere": 1, "deuxieme": 2, "seconde": 2, "troisieme": 3, "quatrieme": 4,
    "cinquieme": 5, "sixieme": 6, "septieme": 7, "huitieme": 8, "neuvieme": 9, "dixieme": 10,
    "dernier": -1, "derniere": -1, "avant-dernier": -2, "avant-derniere": -2, "avant dernier": -2,
    "erste": 1, "ersten": 1, "erster": 1, "erstes": 1, "zweite": 2, "zweiten": 2, "zweiter": 2, "zweites": 2,
    "dritte": 3, "dritten": 3, "dritter": 3, "drittes": 3, "vierte": 4, "vierten": 4, "funfte": 5,
    "funften": 5, "sechste": 6, "sechsten": 6, "siebte": 7, "siebten": 7, "achte": 8, "achten": 8,
    "letzte": -1, "letzten": -1, "letzter": -1, "letztes": -1, "vorletzte": -2, "vorletzten": -2,
    "primo": 1, "prima": 1, "secondo": 2, "seconda": 2, "terzo": 3, "terza": 3, "quarto": 4, "quarta": 4,
    "sesto": 6, "sesta": 6, "settimo": 7, "settima": 7, "ottavo": 8, "ottava": 8, "nono": 9, "nona": 9,

    "primeiro": 1, "primeira": 1, "terceiro": 3, "terceira": 3, "setimo": 7, "setima": 7, "oitavo": 8,
    "oitava": 8,
}  # fmt: skip
# after a noun: "shot two", "plano dos" ("un"/"une"/"ein"... are left out: "le plan un peu plus lent")
CARDINALS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12,
    "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9,
    "diez": 10, "doce": 12,
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "funf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9,
    "zehn": 10, "elf": 11, "zwolf": 12,
    "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sette": 7, "otto": 8, "nove": 9, "dieci": 10,
    "dois": 2, "duas": 2, "quatro": 4, "sete": 7, "oito": 8, "dez": 10,
}  # fmt: skip
CJK_NUMBERS: dict[str, int] = {
    "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
    "十一": 11, "十二": 12, "ひと": 1, "ふた": 2, "みっ": 3, "よっ": 4,
    "첫": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10,
    "열한": 11, "열두": 12, "둘": 2, "셋": 3, "넷": 4,
}  # fmt: skip
CJK_LAST = r"(?:最後|最后|ラスト|마지막|最末|末尾の)"
CJK_FIRST = r"(?:最初|初め|はじめ|冒頭|首个|首個|头一个|頭一個|맨\s*앞|처음)"

# Words around a count that make it a list or a range of shots: "shots 1 and 3", "shots 2-4"
LATIN_LIST = r"(?:,|&|\+|and|y|e|et|und|or|o|ou|oder|with|con|avec|mit|com)"
LATIN_RANGE = r"(?:-|–|to|through|thru|hasta|al|au|bis|ate|a)"
CJK_LIST = r"(?:と|和|跟|与|與|及|、|,|과|와|하고|랑|이랑)"
CJK_RANGE = r"(?:~|〜|到|至|から|부터)"
ARTICLES = (
    r"(?:the|el|la|los|las|le|les|l'|die|der|das|den|dem|des|il|lo|gli|i|o|os|a|as|del|della|dello|delle"
    r"|do|da|dos|das|du|al|au|aux|zur|zum)"
)
# "a second shot", "un autre plan": a new shot, not a reference to shot 2
NEW_SHOT_WORDS = (
    r"(?:another|one more|new|un|una|une|uno|ein|eine|einen|um|uma|otro|otra|nuevo|nueva|autre|nouveau"
    r"|nouvelle|noch|weitere|weiteren|neue|neuen|altro|altra|nuovo|nuova|outro|outra|novo|nova|mais)"
)
# "un primer plano" is a close-up, "au premier plan" the foreground, "en segundo plano" the background
NOT_A_SHOT = (
    r"\bun primer plano\b|\ben primer plano\b|\bprimeros planos\b|\bau premier plan\b|\bau second plan\b"
    r"|\ben segundo plano\b|\bal fondo\b|\barriere-plan\b|\bpremier plan\b(?= de\b)"
)

# -- what a follow-up asks -------------------------------------------------------------------

REMOVE = (
    r"\b(?:remove|delete|drop|cut out|get rid of|take out|leave out|lose|skip|kill)\b|\bcut\b(?! (?:to|in|into)\b)"
    r"|\b(?:elimina|eliminar|eliminen|quita|quitar|quitale|borra|borrar|saca|sacar|suprime|suprimir)\b"
    r"|\b(?:supprime|supprimer|supprimez|enleve|enlever|enlevez|retire|retirer|retirez|efface|effacer)\b"
    r"|\b(?:entferne|entfernen|entfernt|losche|loschen|loscht|streiche|streichen|weglassen|raus)\b|\bweg\b"
    r"|\b(?:rimuovi|rimuovere|togli|togliere|cancella|cancellare|leva|levare|elimini)\b"
    r"|\b(?:remova|remove|remover|apague|apaga|apagar|tire|tira|tirar|exclua|exclui|excluir|elimine)\b"
    r"|削除|消して|消す|削って|取り除|除いて|なくして|外して|カットして|抜いて"
    r"|删除|删掉|删去|去掉|移除|拿掉|不要(?![改动動变變换換])|刪除|刪掉|刪去|除掉"
    r"|삭제|빼(?!고)|지워|지우|제거|없애"
)
ADD = (
    r"\b(?:add|insert|include|append|put in|tack on)\b"
    r"|\b(?:anade|anadir|anadan|agrega|agregar|agreguen|inserta|insertar|incluye|incluir)\b"
    r"|\b(?:ajoute|ajouter|ajoutez|rajoute|rajouter|insere|inserer|inserez)\b"
    r"|\b(?:fuge|fugen|fugt|hinzufugen|erganze|erganzen)\b|\bhinzu\b"
    r"|\b(?:aggiungi|aggiungere|aggiunga|inserisci|inserire)\b"
    r"|\b(?:adicione|adiciona|adicionar|acrescente|acrescenta|acrescentar|inclua|insira|inserir)\b"
    r"|追加|加えて|足して|挿入|入れて"
    r"|添加|增加|加一个|加一個|加个|加個|加上|新增|插入|补一个|補一個|再加"
    r"|추가|넣어|더해|삽입"
)
SWAP = (
    r"\b(?:swap|switch|exchange|trade|interchange)\b"
    r"|\bintercambi\w*|\bpermuta\w*"
    r"|\bechang\w*|\binvertis\w*|\bintervert\w*|\bpermute[rz]?\b"
    r"|\btausch\w*|\bvertausch\w*"
    r"|\bscambi\w*|\binverti\b"
    r"|\b(?:troque|troca|trocar|inverta|inverte|permute)\b"
    r"|\binverse[rz]?\b(?! l'ordre| l ordre)"
    r"|入れ替え|入れかえ|交換して|交換"
    r"|交换|互换|调换|对调|互換|調換|對調"
    r"|맞바꿔|교체|서로 바꿔|순서를 바꿔|자리를 바꿔"
)
REVERSE = (
    r"\breverse (?:the )?order\b|\bin reverse\b|\bbackwards\b|\breverse it\b"
    r"|\binvierte el orden\b|\borden inverso\b|\bal reves\b|\binverse l'ordre\b|\bordre inverse\b"
    r"|\bumgekehrte\w* reihenfolge\b|\breihenfolge umkehren\b|\bdreh\w* die reihenfolge\b"
    r"|\binverti l'ordine\b|\bordine inverso\b|\binverta a ordem\b|\bordem inversa\b"
    r"|逆順|順番を逆|倒序|顺序反过来|順序反過來|颠倒顺序|顛倒順序|역순|순서를 거꾸로|거꾸로"
)
MOVE = (
    r"\b(?:move|put|place|bring|make)\b"
    r"|\b(?:mueve|mover|pon|poner|coloca|colocar|lleva|llevar|pasa|pasar)\b"
    r"|\b(?:deplace|deplacer|deplacez|mets|mettre|mettez|place|placer|placez)\b"
    r"|\b(?:verschiebe|verschieben|setze|setzen|stelle|stellen|bewege|bewegen|pack)\b"
    r"|\b(?:sposta|spostare|metti|mettere)\b"
    r"|\b(?:mova|move|mover|coloque|coloca|colocar|ponha|por|passe|passa)\b"
    r"|移動|移して|持って|持ってき|もってき"
    r"|移到|挪到|放到|放在|移动|移動到|挪|调到|調到"
    r"|옮겨|이동|보내"
)
SPLIT = (
    r"\b(?:split|divide|break up)\b|\b(?:cut|break|chop)\b(?=.*\b(?:in|into)\s+(?:two|half|halves|three|\d)\b)"
    r"|\b(?:divide|dividir|dividelo|dividela|separa|separar)\b|\bcorta\b(?=.*\ben (?:dos|tres|\d)\b)"
    r"|\b(?:divise|diviser|divisez|scinde|scinder|separe)\b|\bcoupe[rz]?\b(?=.*\ben (?:deux|trois|\d)\b)"
    r"|\b(?:teile|teilen|teilt|aufteilen|splitte|trenne|trennen)\b"
    r"|\b(?:dividi|dividere|spezza|spezzare|separa)\b|\btaglia\b(?=.*\bin (?:due|tre|\d)\b)"
    r"|\b(?:divida|dividir|separe|quebre|quebra)\b|\bcorte\b(?=.*\bem (?:dois|duas|tres|\d)\b)"
    r"|分割|分けて|分ける|分けろ"
    r"|拆分|拆成|分成|分割|拆开|拆開|切成|切开|切開"
    r"|나눠|분할|쪼개|나누어|나눠줘"
)
MERGE = (
    r"\b(?:merge|combine|join|fuse|unite)\b|\binto one\b"
    r"|\bune (?=(?:los|las|el|la)\b)|\b(?:unir|combina|combinar|fusiona|fusionar|junta|juntar|unifica)\b"
    r"|\b(?:fusionne|fusionner|fusionnez|combine|combiner|combinez|reunis|reunir|assemble)\b"
    r"|\b(?:verbinde|verbinden|kombiniere|kombinieren|zusammen\w*|vereine|vereinen)\b"
    r"|\b(?:unisci|unire|combina|combinare|fondi|fondere)\b"
    r"|\b(?:junte|junta|juntar|unir|combine|combinar|mescle|funda|fundir)\b"
    r"|結合|まとめて|まとめる|一つに|ひとつに|統合|つなげ|繋げ|くっつけ"
    r"|合并|合併|合成一个|合成一個|合起来|合起來|连成|連成|并成|併成"
    r"|합쳐|병합|합치|하나로"
)
KEEP = (
    r"\b(?:keep|leave(?! out)|preserve|don'?t (?:change|touch)|do not (?:change|touch)|unchanged|as it is|as is"
    r"|except|apart from|but not|excepto|salvo|menos|sauf|ausser|bis auf|tranne|eccetto|exceto)\b"
    r"|\b(?:manten|mantener|mantenga|conserva|conservar|deja|dejar|no cambies|no toques|sin cambiar|tal cual"
    r"|como esta|intacto|intacta)\b"
    r"|\b(?:garde|garder|gardez|conserve|conserver|conservez|laisse|laisser|ne change pas|ne touche pas"
    r"|tel quel|telle quelle|intact|intacte)\b"
    r"|\b(?:behalte|behalten|lass|lasse|unverandert|nicht andern|nicht verandern|wie sie ist|so wie)\b"
    r"|\b(?:mantieni|mantenere|tieni|conserva|lascia|lasciare|non cambiare|non toccare|cosi com'e|invariat\w*"
    r"|intatt\w*)\b"
    r"|\b(?:mantenha|manter|mantem|conserve|deixe|deixa|nao mude|nao altere|nao mexa|como esta|intact\w*)\b"
    r"|そのまま|残して|変えないで|変えずに|維持|キープ|いじらないで"
    r"|保留|保持不变|保持不變|不变|不變|不要改|不要动|不要動|别动|別動|原样|原樣"
    r"|以外|除了|그대로|유지|남겨|바꾸지 마|바꾸지 말고|건드리지|빼고|제외하고"
)
TAKE = (
    r"\b(?:another|new|different|one more|fresh) (?:take|version|try|variation|render)\b|\btry again\b"
    r"|\bre-?roll\b|\bregenerate\b|\bre-?render\b|\bredo\b|\bre-?do\b|\bre-?shoot\b"
    r"|\b(?:otra|nueva) (?:toma|version)\b|\bde nuevo\b|\bhazlo otra vez\b|\brehaz\b|\brehacer\b|\bregenera\b"
    r"|\b(?:une )?autre (?:prise|version)\b|\bnouvelle (?:prise|version)\b|\brefais\b|\brefaire\b"
    r"|\bregenere\b|\bnoch (?:ein|einen|eine) (?:take|versuch|version)\b|\b(?:neuer|anderer) (?:take|versuch)\b"
    r"|\bneue version\b|\bneu (?:rendern|machen|generieren)\b|\bnochmal\b"
    r"|\b(?:un'|un |una )?altra (?:ripresa|versione|take)\b|\bnuova versione\b|\brifai\b|\brifare\b|\brigenera\b"
    r"|\b(?:outra|nova) (?:tomada|versao|take)\b|\brefaca\b|\brefaz\b|\brefazer\b|\bregenere\b|\bde novo\b"
    r"|撮り直|作り直|やり直|再生成|別テイク|別のテイク|別バージョン|もう一度|もう一回"
    r"|重拍|重做|重新生成|重新渲染|再来一次|再來一次|重来|重來|换一个版本|換一個版本|再生成一次"
    r"|다시 만들|재생성|다시 찍|다시 해|다른 버전|다시 생성|한 번 더"
)
REPLACE = (
    r"\b(?:replace|swap out)\b|\b(?:reemplaza|reemplazar|sustituye|sustituir)\b|\b(?:remplace|remplacer)\b"
    r"|\b(?:ersetze|ersetzen|tausche)\b|\b(?:sostituisci|sostituire|rimpiazza)\b|\b(?:substitua|substitui|substituir)\b"
)
REPLACE_WITH = r"\b(?:with|by|por|con|par|durch|mit|com)\b"
# "shot 2 should show a sunset": the new picture follows
SHOW_AFTER = (
    r"\b(?:should |must |to |will )?(?:show|shows|showing|depict|depicts|feature|features)\b"
    r"|\b(?:should |must |will )?be(?= (?:a|an|the|some|our|my|your|two|three)\b)"
    r"|\b(?:muestra|mostrar|muestre|debe mostrar|que muestre|que sea)\b"
    r"|\b(?:montre|montrer|doit montrer|qu'il montre|qui montre)\b"
    r"|\b(?:zeigt|zeigen|soll zeigen|soll)\b"
    r"|\b(?:mostra|mostri|mostrare|deve mostrare|fai vedere)\b"
    r"|\b(?:mostre|mostrar|deve mostrar)\b"
    r"|改成|改为|改為|换成|換成|展示|显示|顯示|呈现|呈現|拍摄|拍攝|替换成|替換成"
)
# Japanese and Korean put the verb last: "ショット2は夕焼けを映して", "샷 2는 노을을 보여줘"
SHOW_BEFORE = r"(?:を|に)?(?:映して|映す|見せて|写して|表示して|変更して|変えて|して)|(?:을|를|로|으로)?\s*(?:보여\s*줘|보여\s*주|보여줘요|보여주세요|바꿔|변경)"

IMAGE_WORDS = (
    r"\b(?:image|images|photo|photos|picture|pictures|pic|imagen|imagenes|foto|fotos|bild|bilder|immagine"
    r"|immagini|imagem|imagens)\b|画像|写真|图片|圖片|照片|이미지|사진"
)
FROM_TEXT = (
    r"\bfrom text\b|\bwithout (?:the |an |any )?(?:image|photo|picture)\b|\bno image\b|\btext only\b"
    r"|\bdesde texto\b|\bsin (?:la )?imagen\b|\bsans (?:l')?image\b|\ba partir du texte\b|\baus text\b"
    r"|\bohne bild\b|\bda testo\b|\bsenza immagine\b|\ba partir de texto\b|\bsem imagem\b"
    r"|画像なし|画像を使わない|テキストから|不用图片|不要图片|不用圖片|從文字|从文字|이미지 없이|텍스트로"
)
USE = r"\b(?:use|usa|usar|utiliza|utilise|utiliser|verwende|nimm|nutze|use|usa|utilize)\b|使って|用这|用這|使用|사용"

CAPTION_WORDS = (
    r"\b(?:caption|captions|subtitle|subtitles|title|text|on-screen text|overlay|subtitulo|subtitulos|leyenda"
    r"|leyendas|rotulo|texto|legende|legendes|sous-titre|sous-titres|texte|untertitel|beschriftung"
    r"|bildunterschrift|didascalia|didascalie|sottotitolo|sottotitoli|scritta|testo|legenda|legendas)\b"
    r"|キャプション|字幕|テロップ|テキスト|标题|標題|文字|文案|자막|캡션|문구|텍스트"
)
CAPTIONS_ON = (
    r"\b(?:add|with|turn on|show|put) (?:the )?(?:captions|subtitles)\b|\bcaptions? on\b"
    r"|\b(?:aggiungi|con) (?:i )?sottotitoli\b|\b(?:adicione|adiciona|com) (?:as )?legendas\b"
    r"|字幕を(?:付けて|つけて|入れて|追加)|字幕付き|キャプションを(?:付けて|つけて|入れて|追加)"
    r"|(?:加上|加|添加|增加|打开|打開|带|帶)字幕|자막(?:을)? (?:추가|넣어|달아|켜)"
)
CAPTIONS_OFF = (
    r"\b(?:no|without|remove|drop|turn off|hide) (?:the )?(?:captions?|subtitles?)\b|\bcaptions? off\b"
    r"|\bsenza sottotitoli\b|\b(?:togli|rimuovi) (?:i )?sottotitoli\b|\bsem legendas\b|\b(?:tire|remova) as legendas\b"
    r"|字幕なし|字幕を(?:消して|削除|外して|なくして)|キャプションを(?:消して|削除|外して)"
    r"|(?:去掉|删除|刪除|不要|关闭|關閉|取消)字幕|无字幕|無字幕|자막(?:을)? (?:없이|빼|삭제|지워|꺼)|자막 없"
)
# the caption's new words come after one of these (when they are not quoted)
CAPTION_TO = (
    r"\b(?:to|into|as|reads?|say|says|saying|a|en|por|que diga|par|en|zu|in|auf|lautet|con|per|in|para|pra)\b\s*:?"
    r"|:|改成|改为|改為|换成|換成|设为|設為|设成|設成|写成|寫成"
)

# -- where: "at the end", "before shot 2" -----------------------------------------------------

AT_START = (
    r"\b(?:to|at) the (?:very )?(?:start|beginning|front|top)\b|\bfirst\b|\bopening\b"
    r"|\bal (?:principio|inicio|comienzo)\b|\b(?:de )?primero\b|\bdelante\b"
    r"|\bau (?:debut|commencement)\b|\ben premier\b|\ben tete\b"
    r"|\ban den anfang\b|\bam anfang\b|\bzuerst\b|\bnach vorne\b|\ban erster stelle\b"
    r"|\ball'?inizio\b|\bper prim[oa]\b|\bin testa\b"
    r"|\b(?:no|para o|pro|ao) (?:inicio|comeco)\b|\bprimeiro\b"
    r"|最初に|先頭に|冒頭に|頭に|一番前に|はじめに|最初へ|先頭へ"
    r"|开头|開頭|最前面|最前|开始处|開始處"
    r"|처음으로|맨 앞|처음에|앞으로|첫 번째로|맨앞"
)
AT_END = (
    r"\b(?:to|at) the (?:very )?(?:end|back|bottom)\b|\blast\b|\bclosing\b|\bafterwards\b"
    r"|\bal final\b|\b(?:de|por) ultimo\b|\bal fin\b"
    r"|\ba la fin\b|\ben dernier\b"
    r"|\bans ende\b|\bam ende\b|\bzuletzt\b|\ban letzter stelle\b|\bnach hinten\b|\bam schluss\b"
    r"|\balla fine\b|\bper ultim[oa]\b|\bin fondo\b"
    r"|\b(?:no|para o|pro|ao) (?:final|fim)\b|\bpor ultimo\b"
    r"|最後に|最後へ|末尾に|一番後ろ|後ろに|ラストに|最後尾"
    r"|结尾|結尾|最后面|最後面|末尾|最后|最後"
    r"|마지막으로|맨 뒤|끝으로|끝에|마지막에|맨뒤"
)
# a shot reference is written as its own marker (see revise.mask_refs) between these words
BEFORE = (
    r"\b(?:before|ahead of|in front of|antes (?:de|del|de la)|delante (?:de|del|de la)|avant|vor|prima (?:di|del|della|dello)"
    r"|antes (?:do|da|de))\b"
)
AFTER = (
    r"\b(?:after|behind|following|despues (?:de|del|de la)|tras|detras (?:de|del)|apres|nach|hinter|dopo"
    r"|depois (?:de|do|da)|apos)\b"
)
BEFORE_CJK = r"の?(?:前に|前へ|まえに)|(?:之前|前面|前边|前邊|前)|\s*(?:앞에|앞으로|전에)"
AFTER_CJK = (
    r"の?(?:後に|後ろに|あとに|次に|うしろに)|(?:之后|之後|后面|後面|后边|後邊|后|後)|\s*(?:뒤에|뒤로|다음에|후에)"
)
BETWEEN = r"\b(?:between|entre|zwischen|tra|fra)\b|之间|之間|の間|사이"

# how many pieces a split makes: "in two", "into 3", "en dos", "2つに", "两个", "두 개로"
SPLIT_PARTS = {
    r"\b(?:in|into|en|in|em)\s+(?:two|halves|half|dos|deux|zwei|due|dois|duas|2)\b|\bhalb\w*\b|\bmoitie\b|\bmeta\b"
    r"|\bhalf\b|2つ|二つ|ふたつ|两个|兩個|两段|兩段|两半|兩半|두 개|두개|둘로|2개": 2,
    r"\b(?:in|into|en|em)\s+(?:three|tres|trois|drei|tre|3)\b|3つ|三つ|みっつ|三个|三個|三段|세 개|세개|3개": 3,
    r"\b(?:in|into|en|em)\s+(?:four|cuatro|quatre|vier|quattro|quatro|4)\b|4つ|四つ|四个|四個|네 개|4개": 4,
}

# -- style and palette ------------------------------------------------------------------------


@dataclass(frozen=True)
class StyleChange:
    """One kind of look. ``aspect`` groups the phrases that replace each other (one palette at a time)."""

    name: str
    aspect: str
    phrase: str | None  # None: take this aspect's phrase out of the style
    pattern: str


STYLE_CHANGES: tuple[StyleChange, ...] = (
    StyleChange(
        "black and white",
        "palette",
        "black and white, monochrome",
        r"\bblack (?:and|&) white\b|\bb ?& ?w\b|\bb/w\b|\bmonochrom\w*|\bgr[ae]yscale\b|\bblanco y negro\b"
        r"|\bnoir et blanc\b|\bschwarz-?\s?(?:und )?-?weiss\w*|\bbianco e nero\b|\bpreto e branco\b"
        r"|白黒|モノクロ|黑白|흑백",
    ),
    StyleChange(
        "colour",
        "palette",
        None,
        r"\b(?:back )?(?:in|to) (?:full )?colou?rs?\b|\ben colou?r\b|\ben couleurs?\b|\bin farbe\b|\ba colori\b"
        r"|\bem cores\b|カラーに|彩色|컬러로",
    ),
    StyleChange(
        "warm",
        "palette",
        "warm colour palette, golden tones",
        r"\bwarm(?:er|th)?\b|\bcalid[oa]s?\b|\bmas calid\w*|\bchaud\w*|\bchaleureu\w*|\bwarme\w*|\bwarmer\w*"
        r"|\bcald[oiae]\b|\bpiu cald\w*|\bquente\w*|\bmais quent\w*"
        r"|暖か|暖色|温かみ|あたたか|暖调|暖調|温暖|暖一点|暖一點|更暖|偏暖|暖的|따뜻|웜톤|따듯",
    ),
    StyleChange(
        "cool",
        "palette",
        "cool colour palette, blue tones",
        r"\bcool(?:er)? (?:colou?rs?|palette|tones?|look|light\w*)\b|\bcooler\b|\bcold(?:er)? (?:colou?rs?|tones?|palette)\b"
        r"|\bfri[oa]s?\b|\bfroid\w*|\bkalt\w*|\bkuhl\w*|\bfredd\w*|\bcores frias\b"
        r"|\bmais fri[oa]\b|寒色|クール|涼しげ|冷色|冷调|冷調|清冷|차가운|쿨톤|시원한 색",
    ),
    StyleChange(
        "pastel",
        "palette",
        "soft pastel colours",
        r"\bpastel\w*|パステル|粉彩|马卡龙|馬卡龍|파스텔",
    ),
    StyleChange(
        "vivid",
        "palette",
        "vivid saturated colours",
        r"\bvivid\w*|\bsaturated\b|\bmore colou?rful\b|\bvibrant\b|\bmas vivos?\b|\bvibrantes?\b|\bplus vifs?\b"
        r"|\beclatant\w*|\bkraftiger\w*|\blebendiger\w*|\bbunter\b|\bpiu vivac\w*|\bsaturi\b|\bmais vivas?\b"
        r"|鮮やか|カラフル|鲜艳|鮮豔|色彩更丰富|선명|화사|알록달록",
    ),
    StyleChange(
        "cinematic",
        "look",
        "cinematic lighting, film look, anamorphic framing",
        r"\bcinematic\w*|\bfilmic\b|\blike a (?:movie|film)\b|\b(?:movie|film) look\b|\bcinematografic\w*"
        r"|\bde (?:cine|pelicula|cinema|filme)\b|\bcinematographique\w*|\bcomme (?:au cinema|un film)\b"
        r"|\bcineastisch\w*|\bkinoreif\w*|\bfilmisch\w*|\bwie im kino\b|\bkino-?look\b|\bda (?:film|cinema)\b"
        r"|映画のよう|映画風|映画っぽ|シネマティック|电影感|電影感|电影般|電影般|大片|영화 같|영화같|시네마틱|영화처럼",
    ),
    StyleChange(
        "vintage",
        "look",
        "vintage film look, soft grain",
        r"\bvintage\b|\bretro\b|\bold film\b|\bantiguo\b|\bd'epoque\b|レトロ|ヴィンテージ|复古|復古|레트로|빈티지",
    ),
    StyleChange(
        "brighter",
        "light",
        "bright, high-key lighting",
        r"\bbrighter\b|\blighter\b|\bmore light\b|\bmas (?:brillante|luminos\w*|clar[oa])\b|\bplus (?:lumineu\w*|clair\w*)\b"
        r"|\bheller\b|\bpiu (?:luminos\w*|chiar\w*)\b|\bmais (?:brilhante|clar[oa]|luminos\w*)\b"
        r"|明るく|もっと明る|更亮|亮一点|亮一點|明亮|밝게|더 밝",
    ),
    StyleChange(
        "darker",
        "light",
        "dark, low-key moody lighting",
        r"\bdarker\b|\bmoodier\b|\bmore moody\b|\bmas oscur\w*|\bplus sombre\w*|\bdunkler\b|\bpiu scur\w*"
        r"|\bmais escur\w*|暗く|もっと暗|更暗|暗一点|暗一點|어둡게|더 어둡",
    ),
)
# "in the style of a watercolour", "estilo acuarela", "水彩风格", "수채화 스타일": the user's own words
STYLE_FREE_AFTER = (
    r"\b(?:in the style of|in a style of|style to|style:|change the style to|make the style|the style should be"
    r"|al estilo de|con estilo|estilo|dans le style de|a la maniere de|style|im stil von|im stil|stil"
    r"|nello stile di|in stile|stile|no estilo de|com estilo|estilo)\b\s*:?"
)
STYLE_FREE_BEFORE = r"\s*(?:style|estilo|stil|stile|スタイル|风格|風格|스타일)"

# -- longer, shorter, slower, faster ----------------------------------------------------------

HALF = (
    r"\bhalf as long\b|\bhalf the (?:length|time)\b|\bla mitad de (?:largo|duracion|tiempo)\b|\bdeux fois moins long\w*"
    r"|\bmoitie moins long\w*|\bhalb so lang\b|\bmeta della durata\b|\bmetade do tempo\b|\bmetade da duracao\b"
    r"|半分の長さ|半分に|缩短一半|縮短一半|一半长|一半長|절반 길이|절반으로"
)
TWICE = (
    r"\btwice as long\b|\bdouble the (?:length|time)\b|\bel doble de (?:largo|duracion)\b|\bdeux fois plus long\w*"
    r"|\bdoppelt so lang\b|\bil doppio (?:della durata|del tempo)\b|\bo dobro (?:do tempo|da duracao)\b"
    r"|倍の長さ|2倍の長さ|两倍长|兩倍長|두 배 길이|두 배로"
)
# every shot at once: "make every shot 2 seconds", "todos los planos", "所有镜头"
ALL_SHOTS = (
    r"\b(?:every|each|all(?: the| of the)?) (?:shots?|scenes?|clips?|panels?)\b|\b(?:all|every one) of them\b"
    r"|\b(?:todos los|cada) (?:planos?|escenas?|tomas?)\b|\b(?:tous les|chaque) (?:plans?|scenes?)\b"
    r"|\b(?:jede|alle) (?:einstellung(?:en)?|szenen?)\b|\b(?:ogni|tutte le) (?:scen[ae]|inquadratur[ae])\b"
    r"|\b(?:cada|todas as) (?:cenas?)\b|全部のショット|すべてのショット|全ショット|各ショット|所有镜头|每个镜头|所有鏡頭|每個鏡頭"
    r"|모든 샷|각 샷"
)
LONGER = (
    r"\blonger\b|\bmas larg[oa]\b|\bplus long\w*|\blanger\b|\bpiu lung[oa]\b|\bmais long[oa]\b"
    r"|長く|もっと長|更长|更長|长一点|長一點|길게|더 길"
)
SHORTER = (
    r"\bshorter\b|\bmas cort[oa]\b|\bplus court\w*|\bkurzer\b|\bpiu cort[oa]\b|\bmais curt[oa]\b"
    r"|短く|もっと短|更短|短一点|短一點|짧게|더 짧"
)
SLOWER = (
    r"\b(?:slower|more slowly|slow it down|slow down|slow-?mo|slow motion|in slow motion)\b|\bcamara lenta\b"
    r"|\bralenti\b|\bzeitlupe\b|\brallentatore\b|\bcamera lenta\b|スローモーション|慢动作|慢動作|슬로우 ?모션|\bmas lent[oa]\b|\bmas despacio\b|\bplus lent\w*|\blangsamer\b"
    r"|\bpiu lent\w*|\bmais lent\w*|\bmais devagar\b|ゆっくり|遅く|スローに|慢一点|慢一點|更慢|放慢|慢些|느리게|천천히"
)
FASTER = (
    r"\b(?:faster|quicker|speed it up|speed up)\b|\bmas rapid[oa]\b|\bplus rapide\w*|\bschneller\b"
    r"|\bpiu (?:veloc\w*|rapid\w*)\b|\bmais rapid\w*|速く|早く|素早く|快一点|快一點|更快|加快|빠르게|더 빨리"
)

# -- platforms, lengths and cameras a follow-up says in words the planner's tables lack --------

EXTRA_PLATFORMS: list[tuple[str, str]] = [
    (r"抖音|틱톡|ティックトック", "tiktok"),
    (r"유튜브 ?쇼츠|ユーチューブショート|youtube ?ショート", "shorts"),
    (r"릴스|リール", "reels"),
    (r"유튜브|ユーチューブ|油管", "youtube"),
    (r"링크드인|リンクトイン|领英|領英", "linkedin"),
]
EXTRA_ASPECTS: list[tuple[str, str]] = [
    (r"\bverticale\b|縦型|縦長|縦向き|縦動画|竖屏|竖版|竖向|豎屏|豎版|直式|세로", "tiktok"),
    (r"\bquadrat[oa]\b|\bquadrad[oa]\b|正方形|スクエア|方形|方屏|정사각형|정방형", "instagram-feed"),
    (r"\borizzontale\b|\bpaisagem\b|横型|横長|横向き|横屏|横版|橫屏|橫版|宽屏|寬屏|가로", "youtube"),
]
ALSO = (
    r"\b(?:too|also|as well|additionally|tambien|ademas|aussi|egalement|en plus|auch|ebenfalls|zusatzlich"
    r"|anche|pure|inoltre|tambem|alem disso)\b|も(?!う)|あわせて|也|同时|同時|另外|还要|還要|도(?=\s|$|[.!?,])|추가로"
)
ONLY = (
    r"\b(?:only|just|instead|solo|solamente|en vez|seulement|uniquement|plutot|nur|stattdessen|soltanto|invece"
    r"|somente|apenas|em vez)\b|だけ|のみ|代わりに|只|仅|僅|만(?=\s|$|으로|을|를)|대신"
)
EXTRA_CAMERAS: list[tuple[str, str]] = [
    (
        r"\bcarrellata in avanti\b|\bavvicina\w*|\baproxima\w*|ズームイン|寄って|クローズアップ|推近|推进|推進|拉近|줌 ?인|다가가",
        "push in",
    ),
    (r"\ballontana\w*|\bzoom indietro\b|\bafasta\w*|ズームアウト|引いて|拉远|拉遠|줌 ?아웃|멀어지", "pull out"),
    (
        r"\b(?:panoramica|pan) (?:a|verso) sinistra\b|\b(?:panoramica|pan) para a esquerda\b|左にパン|左へパン|左パン|向左摇|向左搖|向左平移|왼쪽으로",
        "pan left",
    ),
    (
        r"\b(?:panoramica|pan) (?:a|verso) destra\b|\b(?:panoramica|pan) para a direita\b|右にパン|右へパン|右パン|向右摇|向右搖|向右平移|오른쪽으로",
        "pan right",
    ),
    (r"チルトアップ|上にティルト|上摇|上搖|틸트 ?업", "tilt up"),
    (r"チルトダウン|下にティルト|下摇|下搖|틸트 ?다운", "tilt down"),
    (
        r"\borbita\w*|\bgira (?:intorno|em volta|ao redor)\b|周りを回|回り込|オービット|环绕|環繞|绕着|繞著|주위를 돌|오비트",
        "orbit",
    ),
    (
        r"\b(?:camera )?fiss[ao]\b|\bstatic[ao]\b|\bfixa\b|\bestatica\b|固定カメラ|カメラを固定|固定镜头|固定鏡頭|静止镜头|靜止鏡頭|고정",
        "static",
    ),
]
# Italian seconds (the planner's table has Spanish/French/German ones)
SECONDS_LATIN = r"(\d+(?:[.,]\d+)?)\s*(?:secondi|secondo)\b"
SECONDS_CJK = r"(\d+(?:\.\d+)?|[一二两兩三四五六七八九十]+)\s*(?:秒钟|秒鐘|秒間|秒|초)"
MINUTES_CJK = r"(\d+(?:\.\d+)?|[一二两兩三四五六七八九十]+)\s*(?:分钟|分鐘|分間|分(?![割けかの])|분)"
# "make it" words a clause may hold besides a shot and its change (used to tell a bare "shot 2:" apart)
FILLER = (
    r"\b(?:please|pls|and|the|it|make|change|set|now|also|a|an|to|of|for|por favor|bitte|s'il te plait|per favore"
    r"|y|et|und|e|el|la|le|die|der|das|il|o|a)\b|[:,\-–]|を|は|が|の|에|은|는|을|를|请|請|把|将|將|让|讓"
)

# -- a new subject, prompt injection -----------------------------------------------------------

NEW_REQUEST = (
    r"\bnow (?:one|a|an|make|do|another)\b|\banother (?:video|one|clip|ad) (?:for|about|of)\b"
    r"|\b(?:make|do|create) (?:one|another one|another video|a new video) (?:for|about|of)\b"
    r"|\bahora (?:uno|una|un video|haz)\b|\botro video (?:de|sobre|para)\b"
    r"|\bmaintenant (?:une?|fais)\b|\bune autre video (?:pour|sur)\b"
    r"|\bjetzt (?:eins|ein|eine|mach)\b|\bnoch ein video (?:fur|uber)\b"
    r"|\bora (?:uno|una|un video|fai)\b|\bun altro video (?:per|su)\b"
    r"|\bagora (?:um|uma|faca)\b|\boutro video (?:para|sobre|de)\b"
    r"|今度は|次は.*(?:動画|ビデオ)|新しい動画|别的视频|另一个视频|另一個影片|现在做一个|現在做一個|再做一个关于|再做一個關於"
    r"|이번에는|이제 .*영상|다른 영상|새 영상"
)
ABOUT = (
    r"\b(?:for|about|on|showing|para|sobre|pour|sur|fur|uber|zum|zur|per|su|sul|sulla|di)\s+(?!(?:it|this|that|the"
    r" (?:video|clip|plan)|el video|la video|le video|das video|il video|o video|ello|ca|eso|isso)\b)\w{3,}"
    r"|关于|關於|についての|に関する|에 대한|에 관한"
)
INJECTION = (
    r"\b(?:ignore|disregard|forget|override|bypass)\b.{0,40}\b(?:instructions?|rules|prompt|guidelines|directions"
    r"|everything|above|previous)\b|\bsystem prompt\b|\bdeveloper (?:mode|message|prompt)\b|\bjailbreak\w*"
    r"|\b(?:print|show|reveal|repeat|output|tell me|give me|dump|leak)\b.{0,30}\b(?:your|the)\b.{0,20}"
    r"\b(?:prompt|instructions|rules|config\w*|settings|api key|secrets?|password|token|environment)\b"
    r"|\bapi[ _-]?key\b|\byou are now\b|\bact as (?:a|an|the)\b|\bpretend (?:to be|you are)\b"
    r"|\bignora\b.{0,30}\b(?:instrucciones|reglas|istruzioni|regole)\b|\bolvida\b.{0,20}\binstrucciones\b"
    r"|\bprompt del sistema\b|\bprompt di sistema\b|\bprompt do sistema\b|\bprompt systeme\b|\binvite systeme\b"
    r"|\bignore[sz]?\b.{0,30}\b(?:consignes|instructions|regles|instrucoes|regras)\b|\boublie\b.{0,20}\binstructions\b"
    r"|\bignorier\w*\b.{0,30}\b(?:anweisungen|regeln|vorgaben)\b|\bvergiss\b.{0,20}\banweisungen\b|\bsystem-?prompt\b"
    r"|\bdimentica\b.{0,20}\bistruzioni\b|\besqueca\b.{0,20}\binstrucoes\b"
    r"|指示を無視|命令を無視|ルールを無視|システムプロンプト|プロンプトを(?:表示|出力|教え|見せ)|設定を(?:表示|教え)"
    r"|忽略.{0,10}(?:指令|指示|说明|說明|规则|規則|要求)|系统提示|系統提示|提示词|提示詞|输出你的|輸出你的|打印你的"
    r"|지시.{0,6}무시|명령.{0,6}무시|규칙.{0,6}무시|시스템 프롬프트|프롬프트를 (?:보여|출력|알려)"
)
