"""What is kept between runs: per-document results (`cache`), section results (`results`) and
the data bundle readers download (`bundle`); `fingerprint` says what each was computed from."""
