#!/usr/bin/env bash
# The short retell fixture film shared by the Python, Node and Swift tests:
# two chapters, each one subject spoken by espeak-ng over its own lavfi
# picture and followed by a second of quiet, about 15 s in all.
#
#   scripts/make_retell_film.sh DIR    # writes DIR/film.mp4 (and its parts)
set -euo pipefail

dir="${1:?usage: make_retell_film.sh DIR}"
mkdir -p "$dir"
pictures=(testsrc2 mandelbrot)
texts=(
  "Honey bees live in colonies of many thousands of workers and a single queen. Worker bees fly from flower to flower collecting nectar and pollen."
  "The moon orbits the earth about once every twenty seven days. Its gravity pulls on the oceans and raises the tides twice a day."
)
: > "$dir/parts.txt"
for i in 0 1; do
  espeak-ng -v en-us -s 150 -w "$dir/speech-$i.wav" "${texts[$i]}"
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "${pictures[$i]}=size=320x240:rate=25" -i "$dir/speech-$i.wav" \
    -filter_complex '[1:a]aresample=48000,apad=pad_dur=1[s]' -map 0:v -map '[s]' -shortest \
    -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -ac 1 "$dir/part-$i.mp4"
  printf "file '%s'\n" "$dir/part-$i.mp4" >> "$dir/parts.txt"
done
ffmpeg -hide_banner -loglevel error -y -f concat -safe 0 -i "$dir/parts.txt" -c copy "$dir/film.mp4"
