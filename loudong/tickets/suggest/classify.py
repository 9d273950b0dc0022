"""Suggested category for a request, learned from the community's own past requests.

A multinomial naive Bayes over jieba words (Laplace smoothing, log space). It starts from a shipped
set of labelled request texts (seed_requests.csv) so a new community gets suggestions on day one;
each request a leader has triaged adds to it. One trained model per community is kept in memory
and retrained when a request is placed or triaged or the categories change (checked on each use).
"""

import csv
import math
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Max
from django.db.models.signals import post_save
from django.dispatch import receiver

from loudong.policy.models import current_rules
from loudong.tickets.suggest.text import words

SEED_FILE = Path(__file__).with_name("seed_requests.csv")
# Past requests read per retraining: the newest ones, enough to learn a community's own words.
MAX_PAST_REQUESTS = 5000


@dataclass(frozen=True)
class CategoryGuess:
    code: str
    name: str
    confidence: float  # 0..1, the model's probability for this category

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


class NaiveBayes:
    """Multinomial naive Bayes: P(label | words) ∝ P(label) · Π P(word | label).

    The label prior is uniform unless `fit_prior`: a category an admin has just added has few
    examples, and a prior from counts would bury it under the long-standing ones.
    """

    def __init__(self, alpha: float = 0.5, fit_prior: bool = False) -> None:
        self.alpha = alpha
        self.fit_prior = fit_prior
        self.word_counts: dict[str, Counter] = defaultdict(Counter)
        self.totals: Counter = Counter()
        self.doc_counts: Counter = Counter()
        self.vocabulary: set[str] = set()

    def fit(self, documents: Iterable[tuple[Iterable[str], str]]) -> "NaiveBayes":
        for tokens, label in documents:
            counts = Counter(tokens)
            self.word_counts[label].update(counts)
            self.totals[label] += sum(counts.values())
            self.doc_counts[label] += 1
            self.vocabulary.update(counts)
        return self

    @property
    def labels(self) -> list[str]:
        return sorted(self.doc_counts)

    def probabilities(self, tokens: Iterable[str]) -> dict[str, float]:
        """Each label's probability, normalised (log-sum-exp); uniform when nothing is known."""
        labels = self.labels
        if not labels:
            return {}
        known = [t for t in tokens if t in self.vocabulary]
        vocabulary = len(self.vocabulary) or 1
        documents = sum(self.doc_counts.values())
        scores = {}
        for label in labels:
            denominator = self.totals[label] + self.alpha * vocabulary
            score = math.log(self.doc_counts[label] / documents) if self.fit_prior else 0.0
            for token in known:
                score += math.log((self.word_counts[label][token] + self.alpha) / denominator)
            scores[label] = score
        top = max(scores.values())
        exp = {label: math.exp(score - top) for label, score in scores.items()}
        total = sum(exp.values())
        return {label: value / total for label, value in exp.items()}

    def predict(self, tokens: Iterable[str]) -> str | None:
        probabilities = self.probabilities(list(tokens))
        return max(probabilities, key=probabilities.get) if probabilities else None


def seed_examples() -> list[tuple[str, str]]:
    """The shipped starting set: (description, category_code)."""
    with SEED_FILE.open(encoding="utf-8") as handle:
        return [(row["description"], row["category_code"]) for row in csv.DictReader(handle)]


def train(examples: Iterable[tuple[str, str]], categories: Iterable[tuple[str, str]] = ()) -> NaiveBayes:
    """A model from (text, code) examples; each category's own name counts as one more example,
    so a category an admin has just added can be suggested before anyone has filed under it."""
    documents = [(words(text), code) for text, code in examples]
    documents += [(name_words(name), code) for code, name in categories]
    return NaiveBayes().fit(documents)


def name_words(name: str) -> list[str]:
    """A category name's words and their two-character pieces: jieba keeps 邻里纠纷 whole, while
    residents write 纠纷 or 邻里."""
    pieces = list(words(name))
    for word in list(pieces):
        pieces += [word[i : i + 2] for i in range(len(word) - 1)] if len(word) > 2 else []
    return pieces


@dataclass
class _Trained:
    key: tuple
    model: NaiveBayes
    names: dict[str, str]


_lock = threading.Lock()
_trained: dict[int, _Trained] = {}


def _current(community_id: int) -> _Trained:
    """The community's model, trained once per process and again only when what it learns from has
    changed: checked on every call by two index reads (the community's newest placing time and how many
    requests wait for triage: a request placed or triaged changes one of them, whichever process or
    bulk insert wrote it) and the categories in force. Both reads, and the past requests' read, go by
    (community, created_at): the newest id of one community would be sought backwards through the
    whole district's primary key on PostgreSQL (6 s at 10,000,000 requests)."""
    from loudong.tickets.models import Request

    categories = tuple((c.code, c.name) for c in current_rules(community_id).categories)
    requests = Request.objects.filter(community_id=community_id).order_by()
    key = (
        requests.aggregate(newest=Max("created_at"))["newest"],
        requests.filter(status=Request.Status.SUBMITTED).count(),
        categories,
    )
    cached = _trained.get(community_id)
    if cached and cached.key == key:
        return cached
    with _lock:
        cached = _trained.get(community_id)
        if cached and cached.key == key:
            return cached
        codes = {code for code, _ in categories}
        past = (
            requests.filter(category_code__in=codes)
            .exclude(status__in=[Request.Status.SUBMITTED, Request.Status.REJECTED, Request.Status.MERGED])
            .order_by("-created_at")
            .values_list("description", "category_code")[:MAX_PAST_REQUESTS]
        )
        examples = [(text, code) for text, code in seed_examples() if code in codes] + list(past)
        trained = _Trained(key, train(examples, categories), dict(categories))
        _trained[community_id] = trained
        return trained


def forget(community_id: int) -> None:
    _trained.pop(community_id, None)


@receiver(post_save, sender="registry.Community")
def _forget_new_community(sender: type, instance: object, created: bool = False, **kwargs: object) -> None:
    """A new community may reuse the id of a deleted one (or of one rolled back in a test)."""
    if created:
        forget(instance.pk)


def model_for(community_id: int) -> NaiveBayes:
    return _current(community_id).model


def guess_category(community_id: int, text: str) -> list[CategoryGuess]:
    """The community's categories for this text, most likely first."""
    return _guesses(_current(community_id), text)


def _guesses(trained: _Trained, text: str) -> list[CategoryGuess]:
    probabilities = trained.model.probabilities(words(text))
    guesses = [
        CategoryGuess(code, trained.names[code], p) for code, p in probabilities.items() if code in trained.names
    ]
    return sorted(guesses, key=lambda g: g.confidence, reverse=True)


def suggest_categories(requests: Iterable[object]) -> dict[int, CategoryGuess | None]:
    """The most likely category of each request (Request), for the leader's queue: the model is
    checked once per community, not once per request."""
    trained = {}
    found = {}
    for request in requests:
        if request.community_id not in trained:
            trained[request.community_id] = _current(request.community_id)
        guesses = _guesses(trained[request.community_id], request.description)
        found[request.pk] = guesses[0] if guesses else None
    return found


def suggest_category(request: object) -> CategoryGuess | None:
    """The most likely category for a request (a Request)."""
    return suggest_categories([request])[request.pk]
