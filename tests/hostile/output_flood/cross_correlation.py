import sys


def corr2d(X, K):
    while True:
        print("spam " * 1000)
        sys.stderr.write("eggs " * 1000 + "\n")
