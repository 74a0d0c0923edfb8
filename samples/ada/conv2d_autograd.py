import torch
import torch.nn.functional as F
from torch import nn

from cross_correlation import corr2d


class Conv2D(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(kernel_size) * 0.1)
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, X):
        return corr2d(X, self.weight) + self.bias


def reproduce_error():
    X = torch.ones(6, 8)
    X[:, 2:6] = 0
    Y = X[:, :-1] - X[:, 1:]
    X, Y = X.reshape(1, 1, 6, 8), Y.reshape(1, 1, 6, 7)
    net = Conv2D((1, 2))
    try:
        for _ in range(10):
            loss = ((net(X) - Y) ** 2).sum()
            net.zero_grad()
            loss.backward()
            net.weight.data -= 3e-2 * net.weight.grad
    except RuntimeError as err:
        return err
    except ValueError as err:
        return err


ERROR_CAUSE = "shape"


class BatchConv2D(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(kernel_size))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, X):
        w = self.weight[None, None]
        if X.ndim == 2:
            return F.conv2d(X[None, None], w, self.bias)[0, 0]
        if X.ndim == 4 and X.shape[1] == 1:
            return F.conv2d(X, w, self.bias)
        raise ValueError("BatchConv2D takes (H, W) or (N, 1, H, W)")


def learn_kernel(X, Y, kernel_size=(1, 2), steps=10, lr=3e-2):
    net = BatchConv2D(kernel_size)
    with torch.no_grad():
        net.bias.zero_()
    opt = torch.optim.SGD([net.weight], lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        ((net(X) - Y) ** 2).sum().backward()
        opt.step()
    return net.weight.detach().clone()
