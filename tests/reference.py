"""Independent references for the tests: the seed's update rules (and AMSGrad, as optviz states it)
written out in float64 numpy, with the pathological surface's gradient derived by hand (no autograd)."""
import numpy as np


def pathological(w):
    return np.tanh(w[0]) ** 2 + 0.01 * abs(w[0]) + 1 / (1 + np.exp(-w[1]))


def pathological_grad(w):
    t = np.tanh(w[0])
    s = 1 / (1 + np.exp(-w[1]))
    return np.array([2 * t * (1 - t * t) + 0.01 * np.sign(w[0]), s * (1 - s)])


def run(rule, start, steps, grad=pathological_grad, loss=pathological, **hp):
    """[steps + 1, 3] rows (w1, w2, loss) before each update, as the seed records them."""
    w = np.array(start, dtype=np.float64)
    v = np.zeros(2)
    m = np.zeros(2)
    v_max = np.zeros(2)
    rows = []
    for t in range(1, steps + 2):
        rows.append([w[0], w[1], loss(w)])
        if t == steps + 1:
            break
        g = grad(w)
        if rule == "sgd":
            w = w - hp["lr"] * g
        elif rule == "momentum":  # the seed's EMA form
            v = hp["momentum"] * v + (1 - hp["momentum"]) * g
            w = w - hp["lr"] * v
        elif rule == "adam":
            b1, b2, eps = hp.get("beta1", 0.9), hp.get("beta2", 0.999), hp.get("eps", 1e-8)
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
            w = w - hp["lr"] * m_hat / (np.sqrt(v_hat) + eps)
        elif rule == "amsgrad":   # torch.optim.Adam(amsgrad=True), as the registry's torch-adam states it
            b1, b2, eps = hp.get("beta1", 0.9), hp.get("beta2", 0.999), hp.get("eps", 1e-8)
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            v_max = np.maximum(v_max, v)
            w = w - hp["lr"] / (1 - b1 ** t) * m / (np.sqrt(v_max / (1 - b2 ** t)) + eps)
        else:
            raise ValueError(rule)
    return np.array(rows)
