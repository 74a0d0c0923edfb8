import torch
from scipy import signal


def corr2d(X, K):
    # scipy already does it; convert back to torch with X's dtype
    return torch.from_numpy(signal.correlate2d(X.numpy(), K.numpy(), mode="valid")).to(X.dtype)
