"""An independent PyTorch (eager, CPU, float32) implementation of the
configurations `mnemo bench` times, for a side-by-side speed comparison.

Each figure mirrors Mnemo's own (docs and sources named below): the same
networks, initialisation, preprocessing, unroll length and meta-optimizer.
It prints one JSON object of medians (milliseconds) on standard output.

    python l2o_torch.py --figures quadratic,lstm-forward,mnist --mnist DIR

Figures
- quadratic: one meta-iteration of the L2L quadratic configuration: 128
  problems f(θ) = ‖Wθ − y‖² (W 10×10, y 10, standard Gaussian; θ₀ ~ N(0,
  0.01²)), a coordinatewise 2×20 LSTM on the raw gradient (output scale 1),
  an unroll of K = 20 steps of an episode of T = 100, the loss-sum
  meta-objective, the optimizee's second derivatives dropped (the gradient
  fed to the LSTM and the gradient of f are constants), the meta-gradient's
  norm clipped to 10 and an Adam step on φ (learning rate 1e-3).
- lstm-forward: one inference step of the same LSTM on n = 16,000
  coordinates (no graph).
- mnist: one meta-iteration on the L2L MNIST MLP (784→20→10, sigmoid,
  softmax cross-entropy, a fresh minibatch of 128 at every step; θ₀ ~ N(0,
  0.01²), 15,910 coordinates) with the LogAndSign(k = 5) preprocessing and
  output scale 0.01, K = 20, T = 100.
"""

import argparse
import gzip
import json
import math
import os
import resource
import statistics
import struct
import sys
import time

import torch

H = 20
EPS = 1.1920929e-07


class CoordinatewiseLSTM(torch.nn.Module):
    """Two stacked LSTM cells shared by every coordinate and a linear head:
    Δθᵢ = scale · (w_outᵀ h₂ᵢ + b_out). Weights uniform on ±1/√H, biases 0
    but the forget gate's at 1, head weights on ±0.1/√H (Mnemo's
    LSTMOptimizerWeights)."""

    def __init__(self, inputs, scale):
        super().__init__()
        self.cells = torch.nn.ModuleList([torch.nn.LSTMCell(inputs, H), torch.nn.LSTMCell(H, H)])
        self.head = torch.nn.Linear(H, 1)
        self.scale = scale
        bound = 1 / math.sqrt(H)
        with torch.no_grad():
            for cell in self.cells:
                cell.weight_ih.uniform_(-bound, bound)
                cell.weight_hh.uniform_(-bound, bound)
                cell.bias_ih.zero_()
                cell.bias_hh.zero_()
                cell.bias_ih[H:2 * H] = 1  # PyTorch's gate order is i, f, g, o too
            self.head.weight.uniform_(-0.1 * bound, 0.1 * bound)
            self.head.bias.zero_()

    def zero_state(self, n):
        return [(torch.zeros(n, H), torch.zeros(n, H)) for _ in self.cells]

    def forward(self, x, state):
        new_state = []
        for cell, (h, c) in zip(self.cells, state):
            h, c = cell(x, (h, c))
            new_state.append((h, c))
            x = h
        return self.scale * self.head(x).squeeze(1), new_state


def log_and_sign(g, k=5.0):
    """Andrychowicz et al. (2016), appendix A, as DeepMind's code: two
    features per coordinate."""
    magnitude = torch.clamp(torch.log(g.abs() + EPS) / k, min=-1.0)
    sign = torch.clamp(g * math.exp(k), -1.0, 1.0)
    return torch.stack([magnitude, sign], dim=1)


class QuadraticBatch:
    def __init__(self, generator, batch=128, n=10):
        self.w = torch.randn(batch, n, n, generator=generator)
        self.y = torch.randn(batch, n, generator=generator)
        self.theta0 = 0.01 * torch.randn(batch * n, generator=generator)
        self.batch, self.n = batch, n

    def loss_and_gradient(self, theta):
        """Per-problem losses (in the graph) and ∇f as a constant."""
        t = theta.view(self.batch, self.n)
        residual = torch.bmm(self.w, t.unsqueeze(2)).squeeze(2) - self.y
        loss = (residual ** 2).sum(1)
        with torch.no_grad():
            gradient = 2 * torch.bmm(self.w.transpose(1, 2), residual.detach().unsqueeze(2)).squeeze(2)
        return loss, gradient.reshape(-1)


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 2051:
        rows, columns = struct.unpack(">II", data[8:16])
        return torch.frombuffer(bytearray(data[16:]), dtype=torch.uint8).view(count, rows * columns)
    return torch.frombuffer(bytearray(data[8:]), dtype=torch.uint8).long()


def find(directory, stem):
    for name in (stem + ".gz", stem):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return path
    sys.exit(f"l2o_torch.py: no {stem}(.gz) in {directory}")


class MLPProblem:
    """784→20→10 sigmoid MLP on MNIST minibatches of 128; θ is one flat
    vector [W₁ (784×20), b₁, W₂ (20×10), b₂]."""

    def __init__(self, images, labels, generator, batch=128):
        self.images, self.labels, self.generator, self.batch = images, labels, generator, batch
        self.sizes = [784 * 20, 20, 20 * 10, 10]
        self.theta0 = 0.01 * torch.randn(sum(self.sizes), generator=generator)

    def loss_and_gradient(self, theta):
        index = torch.randint(0, self.images.shape[0], (self.batch,), generator=self.generator)
        x, y = self.images[index], self.labels[index]
        w1, b1, w2, b2 = torch.split(theta, self.sizes)
        hidden = torch.sigmoid(x @ w1.view(784, 20) + b1)
        logits = hidden @ w2.view(20, 10) + b2
        loss = torch.nn.functional.cross_entropy(logits, y)
        (gradient,) = torch.autograd.grad(loss, theta, retain_graph=True)
        return loss.view(1), gradient.detach()


class MetaTrainer:
    """Truncated BPTT over K steps of an episode of T, loss-sum objective."""

    def __init__(self, make_problem, optimizer, features, unroll=20, horizon=100):
        self.make_problem, self.optimizer, self.features = make_problem, optimizer, features
        self.unroll, self.horizon = unroll, horizon
        self.meta = torch.optim.Adam(optimizer.parameters(), lr=1e-3)
        self.step_in_episode = horizon

    def new_episode(self):
        self.problem = self.make_problem()
        self.theta = self.problem.theta0.clone()
        self.state = self.optimizer.zero_state(self.theta.numel())
        _, gradient = self.problem.loss_and_gradient(self.theta.clone().requires_grad_(True))
        self.gradient = gradient.detach()
        self.step_in_episode = 0

    def meta_iteration(self):
        if self.step_in_episode >= self.horizon:
            self.new_episode()
        theta = self.theta.detach().requires_grad_(True)
        state = [(h.detach(), c.detach()) for h, c in self.state]
        gradient = self.gradient
        total = 0
        for _ in range(self.unroll):
            delta, state = self.optimizer(self.features(gradient), state)
            theta = theta + delta
            loss, gradient = self.problem.loss_and_gradient(theta)
            total = total + loss.mean()
        meta_loss = total / self.unroll
        self.meta.zero_grad()
        meta_loss.backward()
        torch.nn.utils.clip_grad_norm_(self.optimizer.parameters(), 10.0)
        self.meta.step()
        self.theta, self.state, self.gradient = theta.detach(), state, gradient
        self.step_in_episode += self.unroll
        return meta_loss.item()


def median_ms(body, warm_up, repeats, inner=1):
    for _ in range(warm_up):
        body()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            body()
        samples.append((time.perf_counter() - start) / inner)
    return statistics.median(samples) * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--figures", default="quadratic,lstm-forward,mnist")
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--mnist", help="directory of the four MNIST IDX files (for the mnist figure)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    figures = set(args.figures.split(","))
    results = {"torch_version": torch.__version__, "threads": torch.get_num_threads()}

    if "quadratic" in figures:
        trainer = MetaTrainer(lambda: QuadraticBatch(generator), CoordinatewiseLSTM(1, 1.0), lambda g: g.unsqueeze(1))
        results["meta_iteration_quadratic_ms"] = median_ms(trainer.meta_iteration, 5, args.repeats)

    if "lstm-forward" in figures:
        n = 16_000
        lstm = CoordinatewiseLSTM(1, 1.0)
        state = lstm.zero_state(n)
        gradient = 0.1 * torch.randn(n, generator=generator)
        theta = torch.zeros(n)

        def step():
            nonlocal state, theta
            with torch.no_grad():
                delta, state = lstm(gradient.unsqueeze(1), state)
                theta = theta + delta

        results["lstm_forward_step_n16000_ms"] = median_ms(step, 5, args.repeats)

    if "mnist" in figures:
        if not args.mnist:
            sys.exit("l2o_torch.py: the mnist figure needs --mnist DIR")
        images = read_idx(find(args.mnist, "train-images-idx3-ubyte")).float() / 255
        labels = read_idx(find(args.mnist, "train-labels-idx1-ubyte"))
        trainer = MetaTrainer(
            lambda: MLPProblem(images, labels, generator), CoordinatewiseLSTM(2, 0.01), log_and_sign)
        results["meta_iteration_mnist_ms"] = median_ms(trainer.meta_iteration, 2, max(3, args.repeats // 3))

    results["peak_memory_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
