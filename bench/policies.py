"""Benchmark of the policies plugin: quality of the default pack and scanning throughput.

Prints precision and recall per category and overall (micro-averaged over categories) for
the default financial-services pack on the labelled evaluation set, and on a smaller
held-out set written after the pack was tuned; then MB/s of chat-like text scanned with
5 rules and with 500 rules in the same run, and their cost ratio. Prints; never asserts.

    .venv/bin/python bench/policies.py [--mb 2]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from pathlib import Path

from plugins.policies.config import Near, PolicyConfig, RuleConfig, load_rules
from plugins.policies.rules import validate_rules
from plugins.policies.scanner import Scanner

EVAL_DIR = Path(__file__).resolve().parent.parent / "tests" / "policies" / "eval"
FIVE = [
    "fs.promissory.guarantee",
    "fs.credentials.request",
    "fs.complaint.explicit",
    "fs.offchannel.app",
    "fs.pii.payment_card",
]
VOCAB = [
    "account",
    "advisor",
    "allocation",
    "annual",
    "asset",
    "balance",
    "bond",
    "broker",
    "budget",
    "call",
    "capital",
    "cash",
    "client",
    "close",
    "commission",
    "compliance",
    "contract",
    "credit",
    "deadline",
    "deal",
    "desk",
    "dividend",
    "equity",
    "fee",
    "file",
    "fund",
    "growth",
    "hedge",
    "income",
    "index",
    "interest",
    "invoice",
    "ledger",
    "limit",
    "loan",
    "margin",
    "market",
    "meeting",
    "model",
    "note",
    "option",
    "order",
    "payment",
    "pension",
    "plan",
    "portfolio",
    "position",
    "price",
    "quarter",
    "rate",
    "report",
    "review",
    "risk",
    "sector",
    "share",
    "spread",
    "statement",
    "stock",
    "strategy",
    "tax",
    "term",
    "trade",
    "transfer",
    "treasury",
    "value",
    "volume",
    "wire",
    "yield",
]


def default_rules() -> list[RuleConfig]:
    """The enabled rules of the default configuration."""
    return validate_rules(load_rules(PolicyConfig()), [])


def evaluate(scanner: Scanner, path: Path) -> dict[str, Counter]:
    """True positives, false positives and false negatives per category over a labelled file."""
    counts: dict[str, Counter] = {}
    for line in path.read_text("utf-8").splitlines():
        row = json.loads(line)
        gold = set(row["categories"])
        predicted = {m.rule.category for m in scanner.scan(row["text"])}
        for category in gold | predicted:
            c = counts.setdefault(category, Counter())
            c["tp"] += category in gold and category in predicted
            c["fp"] += category in predicted and category not in gold
            c["fn"] += category in gold and category not in predicted
    return counts


def print_quality(title: str, counts: dict[str, Counter], texts: int) -> None:
    """Print a precision / recall table."""
    print(f"\n{title} ({texts} texts)")
    print(f"{'category':<14}{'precision':>10}{'recall':>8}{'tp':>5}{'fp':>5}{'fn':>5}")
    total = Counter()
    for category in sorted(counts):
        total.update(counts[category])
        _row(category, counts[category])
    _row("overall", total)


def _row(name: str, c: Counter) -> None:
    precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    print(f"{name:<14}{precision:>10.3f}{recall:>8.3f}{c['tp']:>5}{c['fp']:>5}{c['fn']:>5}")


def synthetic_rules(count: int, rng: random.Random) -> list[RuleConfig]:
    """``count`` extra rules of every kind, phrased from the same vocabulary as the corpus."""
    rules = []
    for i in range(count):
        words = [rng.choice(VOCAB) for _ in range(3)]
        if i % 50 == 0:
            rules.append(_rule(i, kind="pattern", pattern=rf"\b{words[0]}s?\s+#\d{{4}}\b"))
        elif i % 5 == 0:
            near = Near(terms=[rng.choice(VOCAB)], within=3)
            rules.append(_rule(i, phrases=[" ".join(words)], near=near, exclude=["not"]))
        else:
            rules.append(_rule(i, phrases=[" ".join(words), " ".join(reversed(words))]))
    return rules


def _rule(i: int, kind: str = "lexicon", **fields) -> RuleConfig:
    return RuleConfig(id=f"bench.{i}", kind=kind, category="complaint", weight=0.5, **fields)


def corpus(megabytes: float, rng: random.Random) -> list[str]:
    """Chat-like messages: mostly ordinary business talk, one in ten from the labelled set."""
    labelled = [
        json.loads(line)["text"]
        for line in (EVAL_DIR / "labelled.jsonl").read_text("utf-8").splitlines()
    ]
    texts, size = [], 0
    while size < megabytes * 1_000_000:
        if rng.random() < 0.1:
            text = rng.choice(labelled)
        else:
            text = " ".join(rng.choice(VOCAB) for _ in range(rng.randint(6, 30))) + "."
        texts.append(text)
        size += len(text.encode("utf-8"))
    return texts


def throughput(scanners: list[Scanner], texts: list[str], repeats: int = 5) -> list[float]:
    """MB/s of each scanner over ``texts``: best CPU time of ``repeats`` interleaved runs.

    CPU time of this process (not wall time) and interleaving keep the comparison fair on
    a machine shared with other work.
    """
    size = sum(len(t.encode("utf-8")) for t in texts) / 1_000_000
    best = [float("inf")] * len(scanners)
    for _ in range(repeats):
        for i, scanner in enumerate(scanners):
            start = time.process_time()
            for text in texts:
                scanner.scan(text)
            best[i] = min(best[i], time.process_time() - start)
    return [size / seconds for seconds in best]


def main() -> None:
    """Run the quality evaluation and the throughput comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=2.0, help="megabytes of text to scan")
    args = parser.parse_args()
    rules = default_rules()
    scanner = Scanner(rules)
    for name, title in (("labelled", "evaluation set"), ("heldout", "held-out set")):
        path = EVAL_DIR / f"{name}.jsonl"
        texts = len(path.read_text("utf-8").splitlines())
        print_quality(f"default pack, {title}", evaluate(scanner, path), texts)

    rng = random.Random(20261129)
    texts = corpus(args.mb, rng)
    by_id = {r.id: r for r in rules}
    small = Scanner([by_id[i] for i in FIVE])
    large = Scanner(rules + synthetic_rules(500 - len(rules), rng))
    print(f"\nthroughput over {args.mb:g} MB in {len(texts)} messages (CPU time, best of 5)")
    small_rate, large_rate = throughput([small, large], texts)
    for scanner, rate in ((small, small_rate), (large, large_rate)):
        hits = sum(len(scanner.scan(t)) for t in texts)
        print(f"{len(scanner.rules):>4} rules: {rate:7.2f} MB/s  ({hits} hits)")
    print(f"cost ratio 500/5 rules: {small_rate / large_rate:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()
