#!/usr/bin/env bash
# generate.sh regenerates the shipped prompt set and music on hold:
#   en/<name>.wav        one spoken prompt per line "name|text" of en.txt
#   moh/default/*.wav    short instrumental pieces synthesized with sox
#
# The WAVs are committed: only a maintainer changing en.txt runs this
# (needs espeak-ng and sox: apt-get install espeak-ng sox). Output is
# 8000 Hz mono 16-bit PCM. Runs are repeatable (sox -D: no random dither),
# so re-running without changes leaves every file byte-identical, and files
# whose line was removed from en.txt disappear.
set -euo pipefail

cd "$(dirname "$0")"

# A clear American voice at a telephone-friendly pace. en-us was picked over
# its +f2, +f3, +f4, +m1, +m3 and +klatt variants and en-gb: it scored best,
# if narrowly, with a speech recogniser (pocketsphinx) on the 8 kHz output.
VOICE=${VOICE:-en-us}
SPEED=${SPEED:-150}

for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "generate.sh: $tool not found (apt-get install $tool)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# speak NAME TEXT writes $work/en/NAME.wav: trimmed to the speech (so that
# prompts chain without gaps), 50 ms of silence each side, peak at -3 dBFS.
speak() {
  local name=$1 text=$2 raw=$work/raw.wav out=$work/en/$1.wav
  mkdir -p "$(dirname "$out")"
  espeak-ng -v "$VOICE" -s "$SPEED" -w "$raw" -- "$text"
  sox -D "$raw" -r 8000 -c 1 -b 16 -e signed-integer "$out" \
    gain -6 rate -v 8000 \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse \
    norm -3 pad 0.05 0.05
}

declare -A seen=()
lineno=0
while IFS= read -r line || [[ -n $line ]]; do
  lineno=$((lineno + 1))
  [[ -z ${line//[[:space:]]/} || $line == \#* ]] && continue
  if [[ $line != *"|"* ]]; then
    echo "en.txt:$lineno: want name|text" >&2; exit 1
  fi
  name=${line%%|*}
  text=${line#*|}
  if ! [[ $name =~ ^[a-z0-9_]+(/[a-z0-9_]+)*$ ]]; then
    echo "en.txt:$lineno: bad name \"$name\": want lowercase letters, digits, _ and /" >&2; exit 1
  fi
  if [[ -z ${text//[[:space:]]/} ]]; then
    echo "en.txt:$lineno: $name: empty text" >&2; exit 1
  fi
  if [[ -n ${seen[$name]:-} ]]; then
    echo "en.txt:$lineno: $name: duplicate of line ${seen[$name]}" >&2; exit 1
  fi
  seen[$name]=$lineno
  speak "$name" "$text"
done < en.txt

# ---- Music on hold -------------------------------------------------------
# Pitches are semitones from A4 (sox's %n notation): C4 = -9.
MOHRATE=44100

# note FILE SECONDS SEMITONES KIND: one note, a short fade-out so that
# concatenated notes do not click.
note() {
  local file=$1 dur=$2 semi=$3 kind=$4
  case $kind in
    pluck) sox -D -r $MOHRATE -c 1 -n -b 16 "$file" synth "$dur" pluck "%$semi" fade t 0.005 "$dur" 0.04 ;;
    # A fundamental with a quiet twelfth, decaying over the whole note.
    bell)  sox -D -r $MOHRATE -c 2 -n -b 16 "$work/bell.wav" synth "$dur" sine "%$semi" sine "%$((semi + 19))"
           sox -D "$work/bell.wav" "$file" remix 1v0.8,2v0.2 fade t 0.01 "$dur" "$dur" ;;
  esac
}

# pad FILE SECONDS SEMITONES...: a soft sine chord that swells in and out,
# so that chord changes are smooth.
pad() {
  local file=$1 dur=$2; shift 2
  local synth=() s
  for s in "$@"; do synth+=(sine "%$s"); done
  sox -D -r $MOHRATE -c $# -n -b 16 "$work/padn.wav" synth "$dur" "${synth[@]}"
  sox -D "$work/padn.wav" -b 16 "$file" remix - fade h 0.4 "$dur" 0.6
}

# piece NAME SECONDS-PER-NOTE KIND SHIFT PATTERN CHORDS...: one arpeggio or
# melody line over pads. A chord is "root:quality" (quality maj or min);
# PATTERN indexes the chord's tones (root, fifth, octave, tenth, twelfth,
# double octave) for each note of the chord; SHIFT moves the line (not the
# pads) by that many semitones.
piece() {
  local name=$1 step=$2 kind=$3 shift=$4 pattern=$5; shift 5
  local notes=() pads=() chord root third tones i n=0 perchord len
  read -r -a idx <<<"$pattern"
  perchord=${#idx[@]}
  len=$(awk -v s="$step" -v n="$perchord" 'BEGIN { printf "%.4f", s * n }')
  for chord in "$@"; do
    root=${chord%%:*}
    third=4; [[ ${chord#*:} == min ]] && third=3
    tones=("$root" $((root + 7)) $((root + 12)) $((root + 12 + third)) $((root + 19)) $((root + 24)))
    for i in "${idx[@]}"; do
      n=$((n + 1))
      note "$work/n$n.wav" "$step" $((tones[i] + shift)) "$kind"
      notes+=("$work/n$n.wav")
    done
    pad "$work/p${#pads[@]}.wav" "$len" $((root + 12)) $((root + 12 + third)) $((root + 19))
    pads+=("$work/p${#pads[@]}.wav")
  done
  sox -D "${notes[@]}" "$work/line.wav"
  sox -D "${pads[@]}" "$work/pads.wav"
  # Melody over a quieter pad, the brightest overtones rolled off, a little
  # room, gentle fades, then down to 8 kHz with the peak at -6 dBFS: hold
  # music sits under speech level.
  sox -D -m -v 0.7 "$work/line.wav" -v 0.25 "$work/pads.wav" "$work/mix.wav" \
    gain -6 lowpass 2800 reverb 40 50 60 gain -n -6
  local total
  total=$(soxi -D "$work/mix.wav")
  mkdir -p "$work/moh/default"
  sox -D "$work/mix.wav" -r 8000 -c 1 -b 16 -e signed-integer "$work/moh/default/$name.wav" \
    fade t 0.5 "$total" 2.5 rate -v 8000 norm -6
}

# Two pieces of 19.2 s (a third would push the tree further past its
# size budget). I-vi-IV-V in C, twice: a plucked arpeggio.
piece arpeggio 0.3 pluck 0 "0 1 2 3 4 3 2 1" \
  -21:maj -24:min -16:maj -14:maj -21:maj -24:min -16:maj -14:maj
# vi-IV-I-V in A minor, slower: a music-box line an octave up over pads.
piece musicbox 0.6 bell 12 "2 4 5 3" \
  -24:min -28:maj -21:maj -26:maj -24:min -28:maj -21:maj -26:maj

# Swap in the new tree whole: stale files go, unchanged ones stay identical.
rm -rf en moh
mv "$work/en" en
mv "$work/moh" moh
echo "generate.sh: $(find en -name '*.wav' | wc -l) prompts, $(find moh -name '*.wav' | wc -l) music-on-hold pieces"
