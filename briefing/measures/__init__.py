"""Stage 2, the measures: pure functions over sentences and terms that sections build on.

Per sentence: VADER scores (`vader`), frame cues (`lexicon`, `frames`), actor mentions
(`actors`). Per term: counts and names (`terms`), Fightin' Words (`fightin_words`), the topic
model and divergence (`topic_model`). Shared statistics: bootstrap, permutation and count tests
(`stats`). `frame_eval` and `article_eval` measure the frame lexicons against labelled sentences
and articles; `evaluate_frames` is their command.
"""
