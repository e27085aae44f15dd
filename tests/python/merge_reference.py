"""Float64 reference of MergeLab's merge methods, written from the papers'
definitions rather than from the C++: used by
torch_reference.py's merge-check and server-check.

Sums run over environments (or sorted values) one after another, as the
definitions say "accumulate in double, round once"; every value is rounded
to float32 once at the end."""
import math

import torch


def _seq_sum(tensors):
    acc = torch.zeros_like(tensors[0])
    for t in tensors:
        acc = acc + t
    return acc


def mean(ws, sizes=None):
    if sizes is None:
        return _seq_sum(ws) / len(ws)
    return _seq_sum([float(n) * w for n, w in zip(sizes, ws)]) / float(sum(sizes))


def avg(ws, base, sizes, p):
    return mean(ws)


def maximum(ws, base, sizes, p):
    return torch.stack(ws).max(0).values


def absmax(ws, base, sizes, p):
    # argmax returns the first index of the largest magnitude: ties go to
    # the lowest-numbered environment.
    stack = torch.stack(ws)
    return stack.gather(0, stack.abs().argmax(0, keepdim=True)).squeeze(0)


def wavg(ws, base, sizes, p):
    return mean(ws, sizes)


def median(ws, base, sizes, p):
    s = torch.stack(ws).sort(0).values
    n = len(ws)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def trimmed_mean(ws, base, sizes, p):
    n = len(ws)
    drop = math.floor(p.get("trim", 0.2) * n)
    s = torch.stack(ws).sort(0).values
    return _seq_sum([s[k] for k in range(drop, n - drop)]) / (n - 2 * drop)


def task_arithmetic(ws, base, sizes, p):
    lam = p.get("lambda", 1.0 / len(ws))
    return base + lam * _seq_sum([w - base for w in ws])


def ties(ws, base, sizes, p):
    density, lam = p.get("density", 0.2), p.get("lambda", 1.0)
    numel = base.numel()
    keep = max(1, math.floor(density * numel + 0.5))  # half away from zero
    trimmed = []
    for w in ws:
        d = w - base
        threshold = d.abs().flatten().sort(descending=True).values[keep - 1]
        trimmed.append(torch.where(d.abs() >= threshold, d, torch.zeros_like(d)))
    total = _seq_sum(trimmed)
    agree = [(d != 0) & (total != 0) & ((d > 0) == (total > 0)) for d in trimmed]
    summed = _seq_sum([torch.where(a, d, torch.zeros_like(d)) for a, d in zip(agree, trimmed)])
    count = _seq_sum([a.double() for a in agree])
    delta = torch.where(count > 0, summed / count.clamp(min=1), torch.zeros_like(summed))
    return base + lam * delta


STATELESS = {"avg": avg, "max": maximum, "absmax": absmax, "wavg": wavg, "median": median,
             "trimmed-mean": trimmed_mean, "task-arithmetic": task_arithmetic, "ties": ties}


class FedAvgM:
    def __init__(self, p):
        self.lr, self.mom, self.weighted = p.get("server_lr", 1.0), p.get("momentum", 0.9), p.get("weighted", 0)
        self.v = {}

    def step(self, name, ws, base, sizes):
        g = base - mean(ws, sizes if self.weighted else None)
        v = self.mom * self.v.get(name, torch.zeros_like(g)) + g
        self.v[name] = v
        return base - self.lr * v


class FedAdam:
    def __init__(self, p):
        self.lr, self.b1, self.b2 = p.get("server_lr", 0.01), p.get("beta1", 0.9), p.get("beta2", 0.99)
        self.tau, self.weighted = p.get("tau", 1e-3), p.get("weighted", 0)
        self.m, self.u = {}, {}

    def step(self, name, ws, base, sizes):
        g = base - mean(ws, sizes if self.weighted else None)
        m = self.b1 * self.m.get(name, torch.zeros_like(g)) + (1 - self.b1) * -g
        u = self.b2 * self.u.get(name, torch.zeros_like(g)) + (1 - self.b2) * g * g
        self.m[name], self.u[name] = m, u
        return base + self.lr * m / (u.sqrt() + self.tau)


class FedAdagrad:
    """v starts at 0, as FedAdam's u (the paper allows any v >= tau^2)."""

    def __init__(self, p):
        self.lr, self.b1 = p.get("server_lr", 0.01), p.get("beta1", 0.9)
        self.tau, self.weighted = p.get("tau", 1e-3), p.get("weighted", 0)
        self.m, self.v = {}, {}

    def step(self, name, ws, base, sizes):
        delta = mean(ws, sizes if self.weighted else None) - base
        m = self.b1 * self.m.get(name, torch.zeros_like(delta)) + (1 - self.b1) * delta
        v = self.v.get(name, torch.zeros_like(delta)) + delta * delta
        self.m[name], self.v[name] = m, v
        return base + self.lr * m / (v.sqrt() + self.tau)


class FedYogi:
    def __init__(self, p):
        self.lr, self.b1, self.b2 = p.get("server_lr", 0.01), p.get("beta1", 0.9), p.get("beta2", 0.99)
        self.tau, self.weighted = p.get("tau", 1e-3), p.get("weighted", 0)
        self.m, self.v = {}, {}

    def step(self, name, ws, base, sizes):
        delta = mean(ws, sizes if self.weighted else None) - base
        m = self.b1 * self.m.get(name, torch.zeros_like(delta)) + (1 - self.b1) * delta
        v = self.v.get(name, torch.zeros_like(delta))
        sq = delta * delta
        v = v - (1 - self.b2) * sq * torch.sign(v - sq)
        self.m[name], self.v[name] = m, v
        return base + self.lr * m / (v.sqrt() + self.tau)


SERVER = {"fedavgm": FedAvgM, "fedadam": FedAdam, "fedadagrad": FedAdagrad, "fedyogi": FedYogi}


def parse_params(items):
    out = {}
    for item in items or []:
        for piece in item.split(","):
            key, value = piece.split("=")
            out[key] = float(value)
    return out
