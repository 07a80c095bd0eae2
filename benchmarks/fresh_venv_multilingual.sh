#!/usr/bin/env bash
# Issue 21, acceptance 4: a fresh virtual environment with ONLY
#     pip install '<this checkout>[multilingual]'
# scores every language of --rouge-language offline.
#
# 1. A new venv WITHOUT --system-site-packages (nothing from this machine leaks in).
# 2. pip installs the checkout with the multilingual extra: the one step that uses the
#    network (PIP_FIND_LINKS=/folder/of/wheels makes pip prefer local wheels).
# 3. Checks: the full `unidic` is absent, `rouge_score` is rouge-score 0.1.2's own, and the
#    reference scorer `multilingual_rouge` is not installed (sumbench does not need it).
# 4. Offline from here on: HF_HUB_OFFLINE=1, no NLTK data folder, and the network cut
#    (`unshare -rn`, a user namespace with no network, where the kernel allows it;
#    otherwise proxies pointing at a closed port, so any download attempt fails).  For
#    every language code, one made-up reference and prediction in the language's script
#    are scored with `sumbench score --metrics rouge --rouge-language CODE` (Bengali with
#    --no-stemmer: sumbench refuses to stem it, see the README); the signature must name
#    the language and rouge1 must be above 0.
#
# Usage: benchmarks/fresh_venv_multilingual.sh [WORK_DIR]   (default: a new temporary folder)
# Prints one line per language and "all N languages scored offline" at the end; exits 1
# on the first failure.  Record each run in benchmarks/README.md.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${1:-$(mktemp -d)}"
mkdir -p "$WORK"
PYTHON="${PYTHON:-python3}"

echo "fresh venv in $WORK/venv (checkout $REPO)"
"$PYTHON" -m venv "$WORK/venv"
VPY="$WORK/venv/bin/python"
"$VPY" -m pip install -q --upgrade pip
"$VPY" -m pip install -q "$REPO[multilingual]"

"$VPY" - <<'EOF'
import importlib.metadata as md
import importlib.util

assert importlib.util.find_spec("unidic") is None, "the full unidic is installed"
assert importlib.util.find_spec("multilingual_rouge") is None, "the reference scorer came along"
owners = md.packages_distributions().get("rouge_score")
assert owners == ["rouge_score"] or owners == ["rouge-score"], owners
assert md.version("rouge-score") == "0.1.2"
print("installed:", ", ".join(f"{d}-{md.version(d)}" for d in (
    "sumbench", "pyonmttok", "jieba", "pythainlp", "fugashi", "unidic-lite",
    "TurkishStemmer", "nltk", "sentencex", "rouge-score")))
EOF

# Made-up texts, one pair per script (never news text).
"$VPY" - "$WORK" <<'EOF'
import json, sys
from pathlib import Path

work = Path(sys.argv[1])
TEXTS = {  # script: (reference, prediction)
    "latin": ("The small cat sleeps on the warm mat.\nThe dog runs in the park.",
              "The cat sleeps on the mat.\nA dog runs."),
    "thai": ("แมวตัวเล็กนอนบนเสื่ออุ่น\nสุนัขวิ่งในสวน", "แมวนอนบนเสื่อ\nสุนัขวิ่ง"),
    "han": ("小猫在温暖的垫子上睡觉。\n狗在公园里跑。", "小猫在垫子上睡觉。\n狗跑。"),
    "japanese": ("小さな猫が暖かいマットの上で寝ています。\n犬は公園を走ります。",
                 "猫がマットの上で寝ています。\n犬が走ります。"),
    "burmese": ("ကြောင်လေး အိပ်နေတယ်။\nခွေး ပန်းခြံထဲ ပြေးတယ်။", "ကြောင် အိပ်နေတယ်။\nခွေး ပြေးတယ်။"),
    "devanagari": ("छोटी बिल्ली गर्म चटाई पर सोती है।\nकुत्ता पार्क में दौड़ता है।",
                   "बिल्ली चटाई पर सोती है।\nकुत्ता दौड़ता है।"),
    "bengali": ("ছোট বিড়াল গরম মাদুরে ঘুমায়।\nকুকুর পার্কে দৌড়ায়।", "বিড়াল মাদুরে ঘুমায়।\nকুকুর দৌড়ায়।"),
    "arabic": ("القطة الصغيرة تنام على السجادة الدافئة.\nالكلب يركض في الحديقة.",
               "القطة تنام على السجادة.\nالكلب يركض."),
    "cyrillic": ("Маленькая кошка спит на тёплом коврике.\nСобака бегает в парке.",
                 "Кошка спит на коврике.\nСобака бегает."),
    "ethiopic": ("ትንሿ ድመት በሞቃቱ ምንጣፍ ላይ ትተኛለች።\nውሻው በፓርኩ ውስጥ ይሮጣል።",
                 "ድመት በምንጣፍ ላይ ትተኛለች።\nውሻው ይሮጣል።"),
    "hangul": ("작은 고양이가 따뜻한 매트 위에서 잔다.\n개가 공원에서 달린다.",
               "고양이가 매트 위에서 잔다.\n개가 달린다."),
    "tamil": ("சிறிய பூனை பாயில் தூங்குகிறது.\nநாய் பூங்காவில் ஓடுகிறது.",
              "பூனை பாயில் தூங்குகிறது.\nநாய் ஓடுகிறது."),
    "telugu": ("చిన్న పిల్లి చాప మీద నిద్రపోతుంది.\nకుక్క పార్కులో పరిగెత్తుతుంది.",
               "పిల్లి చాప మీద నిద్రపోతుంది.\nకుక్క పరిగెత్తుతుంది."),
    "gujarati": ("નાની બિલાડી સાદડી પર સૂઈ જાય છે.\nકૂતરો બગીચામાં દોડે છે.",
                 "બિલાડી સાદડી પર સૂઈ જાય છે.\nકૂતરો દોડે છે."),
    "gurmukhi": ("ਛੋਟੀ ਬਿੱਲੀ ਚਟਾਈ ਉੱਤੇ ਸੌਂਦੀ ਹੈ।\nਕੁੱਤਾ ਬਾਗ਼ ਵਿੱਚ ਦੌੜਦਾ ਹੈ।",
                 "ਬਿੱਲੀ ਚਟਾਈ ਉੱਤੇ ਸੌਂਦੀ ਹੈ।\nਕੁੱਤਾ ਦੌੜਦਾ ਹੈ।"),
    "sinhala": ("කුඩා පූසා පැදුර මත නිදයි.\nබල්ලා උද්‍යානයේ දුවයි.",
                "පූසා පැදුර මත නිදයි.\nබල්ලා දුවයි."),
}
SCRIPT = {"th": "thai", "zh": "han", "ja": "japanese", "my": "burmese", "hi": "devanagari",
          "mr": "devanagari", "ne": "devanagari", "bn": "bengali", "ar": "arabic",
          "fa": "arabic", "ur": "arabic", "ps": "arabic", "ru": "cyrillic", "uk": "cyrillic",
          "ky": "cyrillic", "sr": "cyrillic", "am": "ethiopic", "ti": "ethiopic", "ko": "hangul",
          "ta": "tamil", "te": "telugu", "gu": "gujarati", "pa": "gurmukhi", "si": "sinhala"}
for script, (reference, prediction) in TEXTS.items():
    (work / f"{script}.refs.jsonl").write_text(json.dumps(
        {"id": "a", "document": "-", "summary": reference}, ensure_ascii=False) + "\n")
    (work / f"{script}.preds.jsonl").write_text(json.dumps(
        {"id": "a", "prediction": prediction}, ensure_ascii=False) + "\n")
(work / "scripts.tsv").write_text("".join(f"{c}\t{s}\n" for c, s in SCRIPT.items()))
EOF

# Every code of the profile table (README, "Multilingual ROUGE"), XL-Sum names aside.
CODES="th zh ja my hi bn tr ar da nl en fi fr de hu it no pt ro ru es sv am az cs cy fa gd gu
ha id ig ko ky mr ne om pa ps rn si so sr sw ta te ti uk ur uz vi yo pcm sr-latn"

if unshare -rn true 2>/dev/null; then
  OFFLINE=(unshare -rn)
  echo "offline: unshare -rn (no network namespace)"
else
  OFFLINE=(env http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9
           HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9)
  echo "offline: unshare unavailable; proxies point at a closed port"
fi
export HF_HUB_OFFLINE=1 NLTK_DATA="$WORK/no-nltk-data" PIP_NO_INDEX=1

count=0
for code in $CODES; do
  script=$(awk -v c="$code" '$1 == c {print $2}' "$WORK/scripts.tsv")
  script=${script:-latin}
  extra=()
  [ "$code" = bn ] && extra=(--no-stemmer)
  out=$("${OFFLINE[@]}" "$WORK/venv/bin/sumbench" score --metrics rouge --rouge-language "$code" \
        "${extra[@]}" --references "$WORK/$script.refs.jsonl" \
        --predictions "$WORK/$script.preds.jsonl" --bootstrap-samples 10 2>"$WORK/err.txt") || {
    echo "FAILED: $code"; cat "$WORK/err.txt"; exit 1; }
  rouge1=$(printf '%s\n' "$out" | awk '$1 == "rouge1" {print $4; exit}')
  signature=$(printf '%s\n' "$out" | grep -m1 '^signature:' || true)
  case "$signature" in *"lang:$code"*|*"lang:${code%%-*}"*) ;; *)
    echo "FAILED: $code: the signature names no language: $signature"; exit 1;; esac
  if ! awk -v x="$rouge1" 'BEGIN { exit !(x + 0 > 0) }'; then
    echo "FAILED: $code: rouge1 F is ${rouge1:-missing}"; printf '%s\n' "$out"; exit 1
  fi
  printf '%-8s %-10s rouge1 F %6s  %s\n' "$code" "$script" "$rouge1" "${signature#signature: }"
  count=$((count + 1))
done
echo "all $count languages scored offline"
