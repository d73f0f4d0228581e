#!/usr/bin/env python3
"""Counts violations of the advice's structural properties over random answer sets, by
running an archadvisor binary (any version) on JSON Lines. Prints one line per property:
how many of N answer sets break it. Used to compare versions (issue 10's "before/after").

usage: bench/properties.py ARCHADVISOR [N] [SEED]
"""
import json, random, subprocess, sys

BIN = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 500
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 2026)

CHOICES = {
    "product_stage": ["prototype", "early", "growth", "mature"],
    "domain_understanding": ["exploring", "stabilizing", "well_understood"],
    "scaling_profile": ["uniform", "some_hotspots", "very_different"],
    "traffic_control": ["essential", "fine_grained"],
    "internal_call_profile": ["low_frequency", "high_throughput"],
    "cross_domain_transactions": ["rare", "common"],
}
BOOLS = ["independent_deploys", "kubernetes", "platform_team", "mtls_required", "tracing_required",
         "traffic_policy_required", "sidecar_memory_constrained", "post_quantum_required", "polyglot",
         "streaming_required", "async_side_effects"]


def random_answers():
    team_size = rng.choice([1, 2, 3, 5, 8, 9, 10, 12, 19, 20, 30, 49, 50, 80, 200])
    a = {
        "team_size": team_size,
        "team_count": rng.randint(1, max(1, min(team_size, 12))),
        "service_count": rng.choice([1, 2, 3, 4, 5, 8, 9, 10, 12, 19, 20, 40]),
        "client_fanout": rng.choice([0, 1, 2, 3, 5]),
    }
    for k, v in CHOICES.items():
        a[k] = rng.choice(v)
    for k in BOOLS:
        a[k] = rng.random() < 0.5
    return a


def evaluate(sets):
    """One evaluation per answer set: (architecture choice, scores) or None when rejected."""
    lines = "".join(json.dumps(s) + "\n" for s in sets)
    p = subprocess.run([BIN, "evaluate", "--format", "json", "-"], input=lines, capture_output=True, text=True)
    out = []
    for line in p.stdout.splitlines():
        o = json.loads(line)
        if "error" in o:
            out.append(None)
        else:
            arch = o["decisions"]["architecture"]
            out.append((arch["choice"], arch["scores"]))
    return out


def count(name, pairs, broken):
    results = evaluate([x for pair in pairs for x in pair])
    n = sum(1 for i in range(len(pairs)) if broken(results[2 * i], results[2 * i + 1]))
    print(f"{n:5d} of {len(pairs)}  {name}")


base = [random_answers() for _ in range(N)]

# 1. One team, uniform scaling, no independent deploys is always a monolith.
one_team = [dict(a, team_count=1, scaling_profile="uniform", independent_deploys=False) for a in base]
count("one team + uniform scaling + no independent deploys is not a monolith",
      [(a, a) for a in one_team], lambda x, y: x is not None and x[0] != "monolith")
# 2. The mesh chosen while plain microservices score below the monolith.
count("service_mesh chosen while microservices score below monolith",
      [(a, a) for a in base],
      lambda x, y: x is not None and x[0] == "service_mesh" and x[1]["microservices"] < x[1]["monolith"])
# 3. Turning the three mesh needs on turns a monolith into services.
off = [dict(a, mtls_required=False, tracing_required=False, traffic_policy_required=False) for a in base]
on = [dict(a, mtls_required=True, tracing_required=True, traffic_policy_required=True) for a in base]
count("turning mTLS, tracing and traffic policy on turns a monolith into services",
      list(zip(off, on)), lambda x, y: x and y and x[0] == "monolith" and y[0] != "monolith")
# 4. A small team, an early product and a domain still explored get services.
small = [dict(a, team_size=min(a["team_size"], 9), team_count=min(a["team_count"], min(a["team_size"], 9)),
              product_stage=rng.choice(["prototype", "early"]), domain_understanding="exploring") for a in base]
count("a small, early team in a domain still explored gets services",
      [(a, a) for a in small], lambda x, y: x is not None and x[0] != "monolith")
# 5. An answer ask never asks changes the decision: platform_team without Kubernetes.
no_k = [dict(a, kubernetes=False) for a in base]
count("platform_team changes the architecture without Kubernetes (ask never asks it)",
      [(dict(a, platform_team=False), dict(a, platform_team=True)) for a in no_k],
      lambda x, y: x and y and x[0] != y[0])
# 6. Kubernetes alone moves a system between monolith and services.
count("Kubernetes alone flips monolith vs services",
      [(dict(a, kubernetes=False), dict(a, kubernetes=True)) for a in base],
      lambda x, y: x and y and (x[0] == "monolith") != (y[0] == "monolith"))
# 7. Contradictory answers (more teams than engineers) are scored instead of rejected.
contra = [dict(a, team_size=3, team_count=10) for a in base[:50]]
count("more teams than engineers is scored instead of rejected",
      [(a, a) for a in contra], lambda x, y: x is not None)
