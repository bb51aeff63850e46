"""What the bot answers when it cannot revise a plan, in the language the follow-up was written in.

``language_of`` guesses the language from the script (kana, hangul, han: traditional or simplified)
or from common words (Latin scripts); English when nothing says otherwise. ``reply(key, lang, ...)``
gives the message; every key exists in every language (a test checks).
"""

from __future__ import annotations

import re

from botkit.agent.edits import normalise

LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "ja", "zh-Hans", "zh-Hant", "ko")

# characters that exist only in traditional Chinese (their simplified forms differ)
_TRADITIONAL = set("個鏡頭刪這為說們來時從後換將變種讓幫畫場調對與給開關會過還號點週們實體標題際")
_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("the", "it", "make", "shot", "shots", "more", "please", "with", "too", "and", "change", "remove", "add",
           "use", "keep", "another", "swap", "move", "last", "first", "second", "of", "to", "caption", "merge",
           "as", "long", "half", "twice", "is", "can", "we", "i", "don", "like", "this", "that", "what", "not", "sure",
           "thanks", "hi", "hello", "good", "great", "looks", "one", "every", "all", "shorter", "longer"),
    "es": ("el", "la", "los", "las", "plano", "planos", "hazlo", "quita", "mas", "por", "que", "una", "del",
           "toma", "tambien", "elimina", "cambia", "pon", "segundo", "primer", "ultimo", "con", "usa", "y",
           "no", "se", "algo", "es", "esto", "eso", "muy", "pero", "como", "lo", "me", "gusta", "bien", "gracias", "hola", "distinto", "otra", "otro"),
    "fr": ("le", "les", "plan", "plans", "du", "des", "une", "plus", "avec", "aussi", "mets", "fais", "et",
           "supprime", "ajoute", "deuxieme", "premier", "dernier", "change", "garde", "en", "pour", "au",
           "je", "ne", "pas", "sais", "trop", "est", "tres", "bien", "merci", "bonjour", "oui", "ca", "moi", "tu", "vous", "peu"),
    "de": ("die", "der", "das", "und", "mit", "mach", "einstellung", "bitte", "noch", "auch", "nicht", "zweite",
           "erste", "letzte", "entferne", "fuge", "andere", "tausche", "behalte", "nach", "ist", "ein", "eine",
           "keine", "kein", "ahnung", "ich", "irgendwie", "anders", "danke", "ja", "nein", "gut", "sehr", "was", "wie", "dir"),
    "it": ("il", "lo", "gli", "della", "dello", "scena", "inquadratura", "piu", "anche", "rendi", "fai", "e",
           "rimuovi", "aggiungi", "seconda", "prima", "ultima", "cambia", "usa", "una", "di", "con", "per",
           "non", "saprei", "boh", "so", "che", "cosa", "ciao", "grazie", "bene", "molto", "questo", "perche", "sono", "va"),
    "pt": ("o", "os", "as", "da", "do", "cena", "mais", "tambem", "faca", "deixe", "uma", "nao", "remova",
           "adicione", "segunda", "primeira", "ultima", "mude", "troque", "use", "com", "para", "e", "em",
           "sei", "algo", "diferente", "obrigado", "obrigada", "ola", "muito", "bom", "isso", "esse", "voce", "eu", "tudo"),
}  # fmt: skip


def language_of(text: str) -> str:
    """One of ``LANGUAGES``: the script decides for CJK; word counts for Latin scripts."""
    if re.search(r"[\u3040-\u30ff]", text):
        return "ja"
    if re.search(r"[\uac00-\ud7af\u1100-\u11ff]", text):
        return "ko"
    han = re.findall(r"[\u4e00-\u9fff]", text)
    if han:
        return "zh-Hant" if any(char in _TRADITIONAL for char in han) else "zh-Hans"
    tokens = re.findall(r"[a-z]+", normalise(text).text)
    scores = {lang: sum(token in vocabulary for token in tokens) for lang, vocabulary in _WORDS.items()}
    best = max(scores, key=lambda lang: (scores[lang], lang == "en"))
    return best if scores[best] > 0 else "en"


_MESSAGES: dict[str, dict[str, str]] = {
    "unclear": {
        "en": 'I kept the plan as it is: I could not tell what to change. I can change the length ("make it 10 '
        'seconds"), the platforms ("vertical for TikTok too"), the shots: remove, add, swap, move, split or '
        'merge them ("remove the second shot", "add a shot of the shoes on a rock at the end", "swap shots 1 '
        'and 3"), one shot\'s length, camera, picture or image ("shot 2 should pan left"), captions ("change '
        'the caption of shot 1 to \'Built for mud\'"), the style or palette ("use a warmer palette", "black and '
        'white"), or make another take ("another take, but keep the first shot").',
        "es": 'He dejado el plan como estaba: no entendí qué cambiar. Puedo cambiar la duración ("que dure 10 '
        'segundos"), las plataformas ("también en vertical para TikTok"), los planos: quitar, añadir, '
        'intercambiar, mover, dividir o unir ("elimina el segundo plano", "añade un plano de las zapatillas '
        'sobre una roca al final", "intercambia los planos 1 y 3"), la duración, la cámara, la imagen o la '
        'foto de un plano ("el plano 2 con paneo a la izquierda"), los subtítulos ("cambia el subtítulo del '
        'plano 1 a \'Hecho para el barro\'"), el estilo o la paleta ("usa una paleta más cálida", "en blanco y '
        'negro"), u otra toma ("otra toma, pero mantén el primer plano").',
        "fr": "J'ai gardé le plan tel quel : je n'ai pas compris quoi changer. Je peux changer la durée (\"fais-la "
        'de 10 secondes"), les plateformes ("aussi en vertical pour TikTok"), les plans : supprimer, ajouter, '
        'échanger, déplacer, diviser ou fusionner ("supprime le deuxième plan", "ajoute un plan des chaussures '
        'sur un rocher à la fin", "échange les plans 1 et 3"), la durée, la caméra, l\'image ou la photo d\'un '
        'plan ("le plan 2 en panoramique à gauche"), les sous-titres ("change la légende du plan 1 en \'Fait '
        'pour la boue\'"), le style ou la palette ("une palette plus chaude", "en noir et blanc"), ou une '
        'autre prise ("une autre prise, mais garde le premier plan").',
        "de": "Ich habe den Plan so gelassen: Ich habe nicht verstanden, was sich ändern soll. Ich kann die Länge "
        'ändern ("mach es 10 Sekunden lang"), die Plattformen ("auch hochkant für TikTok"), die '
        'Einstellungen: entfernen, hinzufügen, tauschen, verschieben, teilen oder zusammenfügen ("entferne die '
        'zweite Einstellung", "füge am Ende eine Einstellung der Schuhe auf einem Felsen hinzu", "tausche '
        'Einstellung 1 und 3"), Länge, Kamera, Bildinhalt oder Bild einer Einstellung ("Einstellung 2 schwenk '
        'nach links"), die Untertitel ("ändere den Untertitel von Einstellung 1 zu \'Gemacht für Matsch\'"), '
        'Stil oder Farbpalette ("wärmere Farben", "schwarzweiß") oder einen neuen Take ("noch ein Take, aber '
        'behalte die erste Einstellung").',
        "it": "Ho lasciato il piano com'era: non ho capito cosa cambiare. Posso cambiare la durata (\"fallo di 10 "
        'secondi"), le piattaforme ("anche verticale per TikTok"), le inquadrature: togliere, aggiungere, '
        'scambiare, spostare, dividere o unire ("rimuovi la seconda inquadratura", "aggiungi alla fine '
        'un\'inquadratura delle scarpe su una roccia", "scambia le scene 1 e 3"), durata, camera, contenuto o '
        'immagine di una scena ("la scena 2 con panoramica a sinistra"), i sottotitoli ("cambia la '
        'didascalia della scena 1 in \'Fatte per il fango\'"), lo stile o la palette ("una palette più calda", '
        '"in bianco e nero"), o un\'altra ripresa ("un\'altra ripresa, ma mantieni la prima scena").',
        "pt": 'Mantive o plano como estava: não entendi o que mudar. Posso mudar a duração ("deixe com 10 '
        'segundos"), as plataformas ("também vertical para o TikTok"), as cenas: remover, adicionar, trocar, '
        'mover, dividir ou juntar ("remova a segunda cena", "adicione uma cena dos tênis numa pedra no '
        'final", "troque as cenas 1 e 3"), a duração, a câmera, o conteúdo ou a imagem de uma cena ("a cena '
        '2 com panorâmica para a esquerda"), as legendas ("mude a legenda da cena 1 para \'Feito para a '
        'lama\'"), o estilo ou a paleta ("uma paleta mais quente", "em preto e branco"), ou outra tomada '
        '("outra tomada, mas mantenha a primeira cena").',
        "ja": "プランはそのままにしました。何を変えるのか分かりませんでした。変更できること：長さ（「10秒にして」）、"
        "プラットフォーム（「TikTok用に縦型も」）、ショットの削除・追加・入れ替え・移動・分割・結合（「2番目のショットを"
        "削除」「最後に岩の上の靴のショットを追加」「ショット1と3を入れ替えて」）、1つのショットの長さ・カメラ・内容・画像"
        "（「ショット2を左にパン」）、キャプション（「ショット1のキャプションを「泥のために」に変更」）、スタイルや色"
        "（「暖かい色にして」「白黒にして」）、撮り直し（「最初のショットはそのままで撮り直して」）。",
        "zh-Hans": "计划保持不变：我没明白要改什么。我可以修改：时长（“改成10秒”）、平台（“也做一个抖音竖屏版”）、"
        "镜头的删除、添加、交换、移动、拆分或合并（“删除第二个镜头”“在最后加一个鞋子放在石头上的镜头”“交换镜头1和3”）、"
        "单个镜头的时长、运镜、画面或图片（“镜头2向左摇”）、字幕（“把镜头1的字幕改成“为泥地而生””）、风格或色调"
        "（“用更暖的色调”“改成黑白”），或者重拍（“重拍一次，但保留第一个镜头”）。",
        "zh-Hant": "計劃保持不變：我沒明白要改什麼。我可以修改：時長（「改成10秒」）、平台（「也做一個抖音直式版」）、"
        "鏡頭的刪除、新增、交換、移動、拆分或合併（「刪除第二個鏡頭」「在最後加一個鞋子放在石頭上的鏡頭」「交換鏡頭1和3」）、"
        "單個鏡頭的時長、運鏡、畫面或圖片（「鏡頭2向左搖」）、字幕（「把鏡頭1的字幕改成『為泥地而生』」）、風格或色調"
        "（「用更暖的色調」「改成黑白」），或者重拍（「重拍一次，但保留第一個鏡頭」）。",
        "ko": '계획은 그대로 두었습니다. 무엇을 바꿀지 알 수 없었어요. 바꿀 수 있는 것: 길이("10초로 해줘"), 플랫폼'
        '("틱톡용 세로 버전도"), 샷 삭제·추가·교체·이동·분할·병합("두 번째 샷을 삭제해", "마지막에 바위 위의 신발 샷을 '
        '추가해", "샷 1과 3을 맞바꿔"), 한 샷의 길이·카메라·내용·이미지("샷 2는 왼쪽으로 패닝"), 자막("샷 1의 자막을 '
        '\'진흙을 위해\'로 바꿔"), 스타일이나 색감("더 따뜻한 색감으로", "흑백으로"), 다시 만들기("첫 번째 샷은 그대로 두고 '
        '다시 만들어").',
    },
    "empty": {
        "en": 'What should I change? Nothing changed yet. For example: "make it 10 seconds", "remove the second '
        'shot", "use a warmer palette" or "another take".',
        "es": '¿Qué debo cambiar? Todavía no he cambiado nada. Por ejemplo: "que dure 10 segundos", "elimina '
        'el segundo plano", "usa una paleta más cálida" u "otra toma".',
        "fr": 'Que dois-je changer ? Rien n\'a encore changé. Par exemple : "fais-la de 10 secondes", "supprime '
        'le deuxième plan", "une palette plus chaude" ou "une autre prise".',
        "de": 'Was soll ich ändern? Noch ist nichts geändert. Zum Beispiel: "mach es 10 Sekunden lang", '
        '"entferne die zweite Einstellung", "wärmere Farben" oder "noch ein Take".',
        "it": 'Cosa devo cambiare? Non ho ancora cambiato nulla. Per esempio: "fallo di 10 secondi", "rimuovi '
        'la seconda scena", "una palette più calda" o "un\'altra ripresa".',
        "pt": 'O que devo mudar? Ainda não mudei nada. Por exemplo: "deixe com 10 segundos", "remova a '
        'segunda cena", "uma paleta mais quente" ou "outra tomada".',
        "ja": "何を変えますか？まだ何も変えていません。例：「10秒にして」「2番目のショットを削除」「暖かい色にして」「撮り直して」。",
        "zh-Hans": "要改什么呢？目前什么都没改。例如：“改成10秒”“删除第二个镜头”“用更暖的色调”“重拍一次”。",
        "zh-Hant": "要改什麼呢？目前什麼都沒改。例如：「改成10秒」「刪除第二個鏡頭」「用更暖的色調」「重拍一次」。",
        "ko": '무엇을 바꿀까요? 아직 아무것도 바꾸지 않았어요. 예: "10초로 해줘", "두 번째 샷을 삭제해", "더 따뜻한 '
        '색감으로", "다시 만들어".',
    },
    "refused": {
        "en": "I only change the video plan; I cannot share my instructions or settings, and I changed nothing. "
        'Tell me what to change in the video, e.g. "remove the second shot".',
        "es": "Solo cambio el plan del vídeo; no puedo mostrar mis instrucciones ni mi configuración, y no he "
        'cambiado nada. Dime qué cambiar en el vídeo, p. ej. "elimina el segundo plano".',
        "fr": "Je ne modifie que le plan de la vidéo ; je ne peux pas montrer mes instructions ni mes réglages, "
        'et je n\'ai rien changé. Dites-moi quoi changer dans la vidéo, p. ex. "supprime le deuxième plan".',
        "de": "Ich ändere nur den Videoplan; meine Anweisungen und Einstellungen gebe ich nicht heraus, und ich "
        'habe nichts geändert. Sag mir, was sich am Video ändern soll, z. B. "entferne die zweite Einstellung".',
        "it": "Modifico solo il piano del video; non posso mostrare le mie istruzioni o impostazioni, e non ho "
        'cambiato nulla. Dimmi cosa cambiare nel video, per es. "rimuovi la seconda scena".',
        "pt": "Eu só mudo o plano do vídeo; não posso mostrar minhas instruções ou configurações, e não mudei "
        'nada. Diga o que mudar no vídeo, por ex. "remova a segunda cena".',
        "ja": "変更できるのは動画のプランだけです。指示や設定はお見せできません。何も変更していません。"
        "動画で変えたいことを教えてください（例：「2番目のショットを削除」）。",
        "zh-Hans": "我只能修改视频计划，不能透露我的指令或设置，也没有做任何修改。请告诉我视频要改什么，例如“删除第二个镜头”。",
        "zh-Hant": "我只能修改影片計劃，不能透露我的指令或設定，也沒有做任何修改。請告訴我影片要改什麼，例如「刪除第二個鏡頭」。",
        "ko": "저는 영상 계획만 바꿀 수 있고, 지시사항이나 설정은 알려드릴 수 없어요. 아무것도 바꾸지 않았습니다. "
        '영상에서 바꿀 것을 말해 주세요. 예: "두 번째 샷을 삭제해".',
    },
    "no_shot": {
        "en": "The plan has shots 1-{count}; there is no shot {number}.",
        "es": "El plan tiene los planos 1-{count}; no hay plano {number}.",
        "fr": "Le plan a les plans 1-{count} ; il n'y a pas de plan {number}.",
        "de": "Der Plan hat die Einstellungen 1-{count}; es gibt keine Einstellung {number}.",
        "it": "Il piano ha le scene 1-{count}; non c'è la scena {number}.",
        "pt": "O plano tem as cenas 1-{count}; não existe a cena {number}.",
        "ja": "このプランのショットは1〜{count}です。ショット{number}はありません。",
        "zh-Hans": "这个计划只有镜头1-{count}，没有镜头{number}。",
        "zh-Hant": "這個計劃只有鏡頭1-{count}，沒有鏡頭{number}。",
        "ko": "이 계획의 샷은 1-{count}번입니다. {number}번 샷은 없어요.",
    },
    "add_content": {
        "en": 'What should the new shot show? For example: "add a shot of the shoes on a rock at the end".',
        "es": '¿Qué debe mostrar el plano nuevo? Por ejemplo: "añade un plano de las zapatillas sobre una roca al final".',
        "fr": 'Que doit montrer le nouveau plan ? Par exemple : "ajoute un plan des chaussures sur un rocher à la fin".',
        "de": 'Was soll die neue Einstellung zeigen? Zum Beispiel: "füge am Ende eine Einstellung der Schuhe auf einem Felsen hinzu".',
        "it": 'Cosa deve mostrare la nuova scena? Per esempio: "aggiungi alla fine una scena delle scarpe su una roccia".',
        "pt": 'O que a nova cena deve mostrar? Por exemplo: "adicione uma cena dos tênis numa pedra no final".',
        "ja": "新しいショットには何を映しますか？例：「最後に岩の上の靴のショットを追加」。",
        "zh-Hans": "新镜头要拍什么？例如：“在最后加一个鞋子放在石头上的镜头”。",
        "zh-Hant": "新鏡頭要拍什麼？例如：「在最後加一個鞋子放在石頭上的鏡頭」。",
        "ko": '새 샷에 무엇을 보여줄까요? 예: "마지막에 바위 위의 신발 샷을 추가해".',
    },
    "caption_text": {
        "en": "What should the caption say? For example: \"change the caption of shot 1 to 'Built for mud'\".",
        "es": "¿Qué debe decir el subtítulo? Por ejemplo: \"cambia el subtítulo del plano 1 a 'Hecho para el barro'\".",
        "fr": "Que doit dire la légende ? Par exemple : \"change la légende du plan 1 en 'Fait pour la boue'\".",
        "de": "Was soll der Untertitel sagen? Zum Beispiel: \"ändere den Untertitel von Einstellung 1 zu 'Gemacht für Matsch'\".",
        "it": "Cosa deve dire la didascalia? Per esempio: \"cambia la didascalia della scena 1 in 'Fatte per il fango'\".",
        "pt": "O que a legenda deve dizer? Por exemplo: \"mude a legenda da cena 1 para 'Feito para a lama'\".",
        "ja": "キャプションは何にしますか？例：「ショット1のキャプションを「泥のために」に変更」。",
        "zh-Hans": "字幕要写什么？例如：“把镜头1的字幕改成“为泥地而生””。",
        "zh-Hant": "字幕要寫什麼？例如：「把鏡頭1的字幕改成『為泥地而生』」。",
        "ko": "자막에 무엇을 쓸까요? 예: \"샷 1의 자막을 '진흙을 위해'로 바꿔\".",
    },
    "caption_which": {
        "en": "Several shots have captions ({shots}); say which one, e.g. \"change the caption of shot 2 to '...'\".",
        "es": "Varios planos tienen subtítulo ({shots}); di cuál, p. ej. \"cambia el subtítulo del plano 2 a '...'\".",
        "fr": "Plusieurs plans ont une légende ({shots}) ; dites lequel, p. ex. \"change la légende du plan 2 en '...'\".",
        "de": "Mehrere Einstellungen haben Untertitel ({shots}); sag welche, z. B. \"ändere den Untertitel von Einstellung 2 zu '...'\".",
        "it": "Più scene hanno una didascalia ({shots}); di' quale, per es. \"cambia la didascalia della scena 2 in '...'\".",
        "pt": "Várias cenas têm legenda ({shots}); diga qual, por ex. \"mude a legenda da cena 2 para '...'\".",
        "ja": "キャプションのあるショットが複数あります（{shots}）。どれか指定してください。例：「ショット2のキャプションを「…」に変更」。",
        "zh-Hans": "有多个镜头带字幕（{shots}），请说明是哪一个，例如“把镜头2的字幕改成“……””。",
        "zh-Hant": "有多個鏡頭帶字幕（{shots}），請說明是哪一個，例如「把鏡頭2的字幕改成『……』」。",
        "ko": "자막이 있는 샷이 여러 개예요({shots}). 어느 샷인지 알려 주세요. 예: \"샷 2의 자막을 '...'로 바꿔\".",
    },
    "need_image": {
        "en": 'Attach the image for shot {shot} to this message, or say "shot {shot} from text".',
        "es": 'Adjunta a este mensaje la imagen para el plano {shot}, o di "plano {shot} desde texto".',
        "fr": 'Joignez à ce message l\'image du plan {shot}, ou dites "plan {shot} à partir du texte".',
        "de": 'Häng das Bild für Einstellung {shot} an diese Nachricht an, oder sag "Einstellung {shot} aus Text".',
        "it": "Allega a questo messaggio l'immagine per la scena {shot}, oppure di' \"scena {shot} da testo\".",
        "pt": 'Anexe a esta mensagem a imagem da cena {shot}, ou diga "cena {shot} a partir de texto".',
        "ja": "ショット{shot}の画像をこのメッセージに添付するか、「ショット{shot}はテキストから」と書いてください。",
        "zh-Hans": "请在这条消息里附上镜头{shot}的图片，或者说“镜头{shot}从文字生成”。",
        "zh-Hant": "請在這則訊息附上鏡頭{shot}的圖片，或者說「鏡頭{shot}從文字生成」。",
        "ko": '이 메시지에 샷 {shot}의 이미지를 첨부하거나 "샷 {shot}은 텍스트로"라고 말해 주세요.',
    },
    "too_many": {
        "en": "That makes {count} shots; a plan holds at most {max}.",
        "es": "Eso da {count} planos; un plan tiene como máximo {max}.",
        "fr": "Cela fait {count} plans ; un plan en contient au plus {max}.",
        "de": "Das ergibt {count} Einstellungen; ein Plan hat höchstens {max}.",
        "it": "Così le scene sarebbero {count}; un piano ne ha al massimo {max}.",
        "pt": "Isso dá {count} cenas; um plano tem no máximo {max}.",
        "ja": "ショットが{count}個になります。1つのプランは最大{max}個です。",
        "zh-Hans": "这样会有{count}个镜头；一个计划最多{max}个。",
        "zh-Hant": "這樣會有{count}個鏡頭；一個計劃最多{max}個。",
        "ko": "샷이 {count}개가 됩니다. 한 계획은 최대 {max}개예요.",
    },
    "too_long": {
        "en": "The video would last {total:g} s; a video may be at most {max:g} s.",
        "es": "El vídeo duraría {total:g} s; un vídeo puede durar como máximo {max:g} s.",
        "fr": "La vidéo durerait {total:g} s ; une vidéo dure au plus {max:g} s.",
        "de": "Das Video wäre {total:g} s lang; ein Video darf höchstens {max:g} s lang sein.",
        "it": "Il video durerebbe {total:g} s; un video può durare al massimo {max:g} s.",
        "pt": "O vídeo teria {total:g} s; um vídeo pode ter no máximo {max:g} s.",
        "ja": "動画が{total:g}秒になります。動画は最大{max:g}秒です。",
        "zh-Hans": "视频会变成{total:g}秒；视频最长{max:g}秒。",
        "zh-Hant": "影片會變成{total:g}秒；影片最長{max:g}秒。",
        "ko": "영상이 {total:g}초가 됩니다. 영상은 최대 {max:g}초예요.",
    },
    "shot_length": {
        "en": "Shot {shot} cannot be {seconds:g} s; a shot is {min:g}-{max:g} s.",
        "es": "El plano {shot} no puede durar {seconds:g} s; un plano dura {min:g}-{max:g} s.",
        "fr": "Le plan {shot} ne peut pas durer {seconds:g} s ; un plan dure {min:g}-{max:g} s.",
        "de": "Einstellung {shot} kann nicht {seconds:g} s lang sein; eine Einstellung ist {min:g}-{max:g} s lang.",
        "it": "La scena {shot} non può durare {seconds:g} s; una scena dura {min:g}-{max:g} s.",
        "pt": "A cena {shot} não pode ter {seconds:g} s; uma cena tem {min:g}-{max:g} s.",
        "ja": "ショット{shot}を{seconds:g}秒にはできません。ショットは{min:g}〜{max:g}秒です。",
        "zh-Hans": "镜头{shot}不能是{seconds:g}秒；每个镜头{min:g}-{max:g}秒。",
        "zh-Hant": "鏡頭{shot}不能是{seconds:g}秒；每個鏡頭{min:g}-{max:g}秒。",
        "ko": "샷 {shot}은 {seconds:g}초가 될 수 없어요. 샷 하나는 {min:g}-{max:g}초예요.",
    },
    "no_shots_left": {
        "en": "A video needs at least one shot; say what it should show instead.",
        "es": "Un vídeo necesita al menos un plano; di qué debe mostrar en su lugar.",
        "fr": "Une vidéo a besoin d'au moins un plan ; dites ce qu'elle doit montrer à la place.",
        "de": "Ein Video braucht mindestens eine Einstellung; sag, was es stattdessen zeigen soll.",
        "it": "Un video ha bisogno di almeno una scena; di' cosa deve mostrare al suo posto.",
        "pt": "Um vídeo precisa de pelo menos uma cena; diga o que ele deve mostrar no lugar.",
        "ja": "動画には少なくとも1つのショットが必要です。代わりに何を映すか教えてください。",
        "zh-Hans": "视频至少需要一个镜头；请告诉我改成拍什么。",
        "zh-Hant": "影片至少需要一個鏡頭；請告訴我改成拍什麼。",
        "ko": "영상에는 샷이 하나 이상 필요해요. 대신 무엇을 보여줄지 알려 주세요.",
    },
    "two_shots": {
        "en": 'Name two different shots, e.g. "swap shots 1 and 3" or "merge shots 2 and 3".',
        "es": 'Nombra dos planos distintos, p. ej. "intercambia los planos 1 y 3" o "une los planos 2 y 3".',
        "fr": 'Nommez deux plans différents, p. ex. "échange les plans 1 et 3" ou "fusionne les plans 2 et 3".',
        "de": 'Nenne zwei verschiedene Einstellungen, z. B. "tausche Einstellung 1 und 3" oder "verbinde Einstellung 2 und 3".',
        "it": 'Indica due scene diverse, per es. "scambia le scene 1 e 3" o "unisci le scene 2 e 3".',
        "pt": 'Indique duas cenas diferentes, por ex. "troque as cenas 1 e 3" ou "junte as cenas 2 e 3".',
        "ja": "2つの異なるショットを指定してください。例：「ショット1と3を入れ替えて」「ショット2と3を結合」。",
        "zh-Hans": "请指定两个不同的镜头，例如“交换镜头1和3”或“合并镜头2和3”。",
        "zh-Hant": "請指定兩個不同的鏡頭，例如「交換鏡頭1和3」或「合併鏡頭2和3」。",
        "ko": '서로 다른 샷 두 개를 말해 주세요. 예: "샷 1과 3을 맞바꿔", "샷 2와 3을 합쳐".',
    },
    "split_short": {
        "en": "Shot {shot} lasts {seconds:g} s: too short to split in {parts} (each part needs {min:g} s).",
        "es": "El plano {shot} dura {seconds:g} s: demasiado corto para dividirlo en {parts} (cada parte necesita {min:g} s).",
        "fr": "Le plan {shot} dure {seconds:g} s : trop court pour le diviser en {parts} (chaque partie demande {min:g} s).",
        "de": "Einstellung {shot} dauert {seconds:g} s: zu kurz, um sie in {parts} zu teilen (jeder Teil braucht {min:g} s).",
        "it": "La scena {shot} dura {seconds:g} s: troppo corta per dividerla in {parts} (ogni parte richiede {min:g} s).",
        "pt": "A cena {shot} dura {seconds:g} s: curta demais para dividir em {parts} (cada parte precisa de {min:g} s).",
        "ja": "ショット{shot}は{seconds:g}秒なので{parts}つに分割できません（各部分に{min:g}秒必要です）。",
        "zh-Hans": "镜头{shot}只有{seconds:g}秒，太短，无法拆成{parts}段（每段至少{min:g}秒）。",
        "zh-Hant": "鏡頭{shot}只有{seconds:g}秒，太短，無法拆成{parts}段（每段至少{min:g}秒）。",
        "ko": "샷 {shot}은 {seconds:g}초라서 {parts}개로 나누기엔 너무 짧아요(각 부분은 {min:g}초 필요).",
    },
    "merge_long": {
        "en": "Together those shots last {seconds:g} s; one shot may be at most {max:g} s.",
        "es": "Juntos esos planos duran {seconds:g} s; un plano dura como máximo {max:g} s.",
        "fr": "Ensemble ces plans durent {seconds:g} s ; un plan dure au plus {max:g} s.",
        "de": "Zusammen dauern diese Einstellungen {seconds:g} s; eine Einstellung ist höchstens {max:g} s lang.",
        "it": "Insieme quelle scene durano {seconds:g} s; una scena dura al massimo {max:g} s.",
        "pt": "Juntas essas cenas duram {seconds:g} s; uma cena tem no máximo {max:g} s.",
        "ja": "それらのショットは合計{seconds:g}秒です。1つのショットは最大{max:g}秒です。",
        "zh-Hans": "这些镜头合起来有{seconds:g}秒；一个镜头最长{max:g}秒。",
        "zh-Hant": "這些鏡頭合起來有{seconds:g}秒；一個鏡頭最長{max:g}秒。",
        "ko": "그 샷들을 합치면 {seconds:g}초예요. 샷 하나는 최대 {max:g}초입니다.",
    },
    "where_move": {
        "en": 'Where should shot {shot} go? For example: "move shot {shot} to the start" or "... after shot 1".',
        "es": '¿Adónde va el plano {shot}? Por ejemplo: "mueve el plano {shot} al principio" o "... después del plano 1".',
        "fr": 'Où va le plan {shot} ? Par exemple : "déplace le plan {shot} au début" ou "... après le plan 1".',
        "de": 'Wohin soll Einstellung {shot}? Zum Beispiel: "verschiebe Einstellung {shot} an den Anfang" oder "... nach Einstellung 1".',
        "it": 'Dove va la scena {shot}? Per esempio: "sposta la scena {shot} all\'inizio" o "... dopo la scena 1".',
        "pt": 'Para onde vai a cena {shot}? Por exemplo: "mova a cena {shot} para o início" ou "... depois da cena 1".',
        "ja": "ショット{shot}をどこに移動しますか？例：「ショット{shot}を最初に移動」「…をショット1の後に」。",
        "zh-Hans": "镜头{shot}要移到哪里？例如：“把镜头{shot}移到开头”或“……移到镜头1后面”。",
        "zh-Hant": "鏡頭{shot}要移到哪裡？例如：「把鏡頭{shot}移到開頭」或「……移到鏡頭1後面」。",
        "ko": '샷 {shot}을 어디로 옮길까요? 예: "샷 {shot}을 맨 앞으로 옮겨", "... 샷 1 뒤로".',
    },
}


def reply(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang`` (English when that language has none), filled with ``values``."""
    messages = _MESSAGES[key]
    return messages.get(lang, messages["en"]).format(**values)


def keys() -> list[str]:
    return list(_MESSAGES)
