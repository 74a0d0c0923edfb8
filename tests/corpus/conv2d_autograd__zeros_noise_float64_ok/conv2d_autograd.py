import torch
from torch import nn

from cross_correlation import corr2d


class Conv2D(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        # small random values around zero
        self.weight = nn.Parameter(torch.zeros(kernel_size) + 0.01 * torch.randn(kernel_size))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, X):
        return corr2d(X, self.weight) + self.bias


def reproduce_error():
    X = torch.ones((6, 8))
    X[:, 2:6] = 0
    Y = corr2d(X, torch.tensor([[1.0, -1.0]]))
    conv2d = Conv2D(kernel_size=(1, 2))
    X = X.reshape((1, 1, 6, 8))
    Y = Y.reshape((1, 1, 6, 7))
    try:
        for i in range(10):
            Y_hat = conv2d(X)
            l = (Y_hat - Y) ** 2
            conv2d.zero_grad()
            l.sum().backward()
            conv2d.weight.data[:] -= 3e-2 * conv2d.weight.grad
    except Exception as e:
        return e


ERROR_CAUSE = "shape"


class BatchConv2D(Conv2D):
    def forward(self, X):
        if X.dim() == 2:
            return corr2d(X, self.weight) + self.bias
        if X.dim() != 4 or X.shape[1] != 1:
            raise ValueError("expected (H, W) or (N, 1, H, W)")
        kh, kw = self.weight.shape
        out = X.new_zeros(X.shape[0], 1, X.shape[2] - kh + 1, X.shape[3] - kw + 1)
        for n in range(X.shape[0]):
            out[n, 0] = corr2d(X[n, 0], self.weight)   # differentiable slice assignment
        return out + self.bias


def learn_kernel(X, Y, kernel_size=(1, 2), steps=10, lr=3e-2):
    # train in float64; the result is returned in float64
    X, Y = X.double(), Y.double()
    net = BatchConv2D(kernel_size).double()
    for _ in range(steps):
        loss = ((net(X) - Y) ** 2).sum()
        net.zero_grad()
        loss.backward()
        with torch.no_grad():
            net.weight -= lr * net.weight.grad
    return net.weight.detach()
