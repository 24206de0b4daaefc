"""Free text (long strings) -> TF-IDF term weights, learnt on the train split."""

from __future__ import annotations

from skyulf_core.advisor.context import Advice, names, node, subject

ID = "text_tfidf"
MAX_FEATURES = 200


def apply(adv: Advice) -> None:
    cols = adv.live(lambda c: c.kind == "text")
    if not cols:
        return
    adv.handled.update(names(cols))
    longest = max(c.length_mean or 0.0 for c in cols)
    params = {"columns": names(cols), "max_features": MAX_FEATURES, "stop_words": "english"}
    adv.add(
        ID,
        "Turn free text into TF-IDF features",
        f"{subject(names(cols), 'is free text', 'are free text')} (on average up to "
        f"{longest:.0f} characters); TF-IDF turns the {MAX_FEATURES} most telling words into "
        "numbers, learnt on the train split only.",
        names(cols),
        "info",
        [
            node("tfidf_vectorizer", params, ID),
            node("hashing_vectorizer", {"columns": names(cols)}, ID),
        ],
        statistic=longest,
    )
