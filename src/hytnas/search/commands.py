"""``hytnas search``: run one strategy with saved predictors as the oracle, write its front."""

from __future__ import annotations

import argparse
import sys

from hytnas.errors import ConfigError


def add_commands(sub: argparse._SubParsersAction) -> None:
    from hytnas.search.strategies import list_strategies

    search = sub.add_parser(
        "search",
        help="search a space with saved accuracy and latency predictors; write the Pareto front",
        description="Minimise (100 - predicted accuracy %, predicted latency ms) over a space.",
    )
    search.add_argument("--space", default="table1", help="space name (default table1)")
    search.add_argument("--accuracy-predictor", required=True, help="folder of a saved accuracy predictor")
    search.add_argument("--latency-predictor", required=True, help="folder of a saved latency predictor")
    search.add_argument("--strategy", default="hytnas", help=f"one of {', '.join(list_strategies())}")
    search.add_argument("--budget", type=int, default=500, help="distinct architectures evaluated (default 500)")
    search.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    search.add_argument("--initial", type=int, default=None, help="initial design size of BO strategies (default: search.initial)")
    search.add_argument("--out", default="front.csv", help="CSV of the final Pareto front (default front.csv)")
    search.set_defaults(func=_search)


def _search(args: argparse.Namespace) -> None:
    from hytnas.archs import genome_frame
    from hytnas.io import write_csv
    from hytnas.predictors.oracle import PredictorOracle
    from hytnas.search import Problem, get_strategy

    options = {} if args.initial is None else {"initial": args.initial}
    strategy = get_strategy(args.strategy, **options)
    initial = strategy.options.get("initial", 0) or 0
    if args.budget <= initial:
        raise ConfigError(f"--budget {args.budget} must exceed the initial design of {initial} architectures")
    space, objective = PredictorOracle("cli", args.space, args.accuracy_predictor, args.latency_predictor)()
    problem = Problem(space, objective, n_obj=2, names=("error_pct", "latency_ms"))
    history = strategy.run(problem, args.budget, seed=args.seed)
    X, F = history.pareto_front()
    order = F[:, 1].argsort(kind="stable")
    frame = genome_frame(space, X[order])
    frame["pred_val_acc"] = 100.0 - F[order, 0]
    frame["pred_latency_ms"] = F[order, 1]
    write_csv(args.out, frame)
    print(
        f"{args.strategy}: {history.n_evals} evaluations in {history.wall_time:.1f} s; "
        f"{len(frame)} Pareto architectures -> {args.out}",
        file=sys.stderr,
    )
