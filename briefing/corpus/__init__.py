"""Stage 1, the corpus: load articles (`load`), set boilerplate aside (`clean`), split sentences
(`sentences`), and assemble the tables every section starts from (`prepare`)."""
