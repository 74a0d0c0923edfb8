def corr2d(X, K):
    while True:
        pass
