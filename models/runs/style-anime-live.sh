#!/bin/sh
# The Hosoda student trained through the live view (--live-work 5: run at 1/5 of the crop, guided
# back up, as the worker runs it for a 640x480 camera at Auto's 3/16). Resumes from its checkpoint.
cd "$(dirname "$0")/../.." && npm run train -- --kind style --id style-anime-live --title Anime --run models/runs/style-anime-live \
  --pairs models/runs/teacher/hosoda --live-work 5 --look '' --teacher '' --teacher-weight 10 --teacher-scales 3 \
  --adv-weight 0 --structure-weight 0 --color-weight 0 --chroma-weight 0 --shift-weight 0 \
  --fine 12 --channels 24 --blocks 2 --crop 240 --batch 4 --steps "${STEPS:-3000}" --ema-decay 0.995 --checkpoint-every 100 --sample-every 250
