"""Mistake codes: the one table of what a failing check recognised, in English and Chinese.

Every hint a check gives comes with a stable code (``corr2d/return-in-loop``,
``derivative/book-sign``, ...) so that the class insight page, the long CSV and
the reports agree on what went wrong. A check passes the code beside the hint,
``Mismatch(message, hint, code="blur/not-normalised")``, or returns a ``Hint``,
a string that carries its code (what ``diagnose()``-style functions do).
A failure that no rule recognises gets ``<module>.<check>/other``; failures the
runner recognises itself (not implemented yet, raised, stopped, skipped) get the
``general/...`` codes. ``tests/test_insights.py`` fails when a hint has no code
or a code has no meaning here. Nothing here imports torch.
"""
from __future__ import annotations


class Hint(str):
    """A hint that knows its mistake code. ``Hint("corr2d/off-by-one", "Off by one: ...")``.

    Concatenation keeps the code (``hint + " more"`` and ``"more " + hint``), so a hint
    extended at the call site stays coded; pass ``code=`` explicitly to override it.
    """

    code: str

    def __new__(cls, code: str, text: str):
        self = super().__new__(cls, text)
        self.code = code
        return self

    def __add__(self, other):
        return Hint(self.code, str.__add__(str(self), other))

    def __radd__(self, other):
        return Hint(self.code, str(other) + str(self))

    def __reduce__(self):
        return (Hint, (self.code, str(self)))


def code_of(hint, code: str | None = None) -> str | None:
    """The explicit code, else the hint's own, else None."""
    return code or getattr(hint, "code", None)


# Short names of the exercises, used as the prefix of their codes.
PREFIX = {
    "cross_correlation": "corr2d",
    "diagonal_edges": "diagonal",
    "transpose_effect": "transpose",
    "conv2d_autograd": "conv2d",
    "correlation_as_matmul": "matmul",
    "second_derivative": "second-derivative",
    "blur_kernel": "blur",
    "derivative_kernels": "derivative",
    "directional_edges": "directional",
    "fc_to_conv": "fc-to-conv",
}

# code -> (English, Chinese). Keep codes stable: gradebooks and CSVs refer to them.
MISTAKES: dict[str, tuple[str, str]] = {
    # recognised by the runner for every check
    "general/not-implemented": ("The function still raises NotImplementedError.",
                                "函数仍然抛出 NotImplementedError（尚未实现）。"),
    "general/raised": ("The student's code raised an exception where a value was expected.",
                       "学生代码在应返回值的地方抛出了异常。"),
    "general/stopped": ("The student's code timed out, crashed or hit a resource limit.",
                        "学生代码超时、崩溃或超出资源限制。"),
    "general/unavailable": ("Not graded: the module or the name is missing, or did not import.",
                            "未评分：模块或名称缺失，或无法导入。"),
    "general/not-submitted": ("The exercise's module was not submitted.", "未提交该练习的模块。"),
    "general/needs-corr2d": ("Skipped because the student's own corr2d fails its checks.",
                             "因学生自己的 corr2d 未通过检查而跳过。"),
    "general/unreadable": ("The submission could not be read.", "无法读取该提交。"),
    "general/grader-error": ("The grader itself failed on this check.", "评分器自身在此检查上出错。"),
    "general/partial": ("Partly right (partial credit).", "部分正确（部分得分）。"),
    # multiple-choice constants (expect_choice)
    "choice/unanswered": ("The answer constant is still \"\".", "答案常量仍为 \"\"（未作答）。"),
    "choice/invalid-key": ("The answer is not one of the listed keys.", "答案不是所列选项之一。"),
    "choice/wrong": ("A valid key, but not the right answer.", "选项有效，但答案错误。"),
    # cross_correlation
    "corr2d/not-a-tensor": ("corr2d returns something other than a torch.Tensor.",
                            "corr2d 返回的不是 torch.Tensor。"),
    "corr2d/return-in-loop": ("Only the first output row is right: a `return` inside the outer loop.",
                              "只有第一行输出正确：`return` 写在了外层循环里。"),
    "corr2d/kernel-transposed": ("Cross-correlates with K.T: rows and columns of the kernel mixed up.",
                                 "实际用 K.T 做互相关：混淆了卷积核的行和列。"),
    "corr2d/convolution": ("Flips the kernel: a convolution, not the chapter's cross-correlation.",
                           "翻转了卷积核：算的是卷积，而不是本章的互相关。"),
    "corr2d/wrong-values": ("Right shape, wrong values (no known pattern).", "形状正确但数值错误（无已知模式）。"),
    "corr2d/off-by-one": ("Output one row and one column too small.", "输出少了一行和一列（差一错误）。"),
    "corr2d/kernel-axes-swapped": ("Kernel height and width swapped in the output size.",
                                   "输出尺寸中卷积核的高和宽弄反了。"),
    "corr2d/global-kernel": ("Uses a global K instead of its kernel argument.",
                             "使用了全局变量 K，而不是卷积核参数。"),
    "corr2d/wrong-shape": ("The output is not 2-D.", "输出不是二维的。"),
    "corr2d/breaks-autograd": ("Fails when X and K require grad (.numpy() or in-place writes).",
                               "X 和 K 需要梯度时出错（.numpy() 或原地写入）。"),
    "corr2d/leaves-autograd": ("The result does not require grad: cut off from X and K.",
                               "结果不需要梯度：与 X、K 的计算图断开。"),
    "corr2d/no-gradient": ("X.grad or K.grad is None after backward().", "backward() 之后 X.grad 或 K.grad 为 None。"),
    "corr2d/wrong-gradient": ("Gradients differ from those of F.conv2d.", "梯度与 F.conv2d 的不一致。"),
    # diagonal_edges
    "diagonal/image-not-a-tensor": ("diagonal_image does not return a torch.Tensor.",
                                    "diagonal_image 返回的不是 torch.Tensor。"),
    "diagonal/image-size-hard-coded": ("The image ignores n (size hard-coded).", "图像忽略了参数 n（尺寸写死）。"),
    "diagonal/image-integer": ("The image has an integer dtype.", "图像是整数类型。"),
    "diagonal/image-constant": ("The image is constant: no edge at all.", "图像是常数：根本没有边缘。"),
    "diagonal/edges-not-diagonal": ("The image's edges are not diagonal.", "图像的边缘不是对角线方向的。"),
    "diagonal/response-wrong": ("edge_response is not corr2d(X, [[1, -1]]).", "edge_response 不等于 corr2d(X, [[1, -1]])。"),
    "diagonal/response-sign": ("edge_response has the opposite sign.", "edge_response 的符号相反。"),
    "diagonal/response-kernel-transposed": ("edge_response uses the transposed kernel [[1], [-1]].",
                                            "edge_response 用了转置的卷积核 [[1], [-1]]。"),
    # transpose_effect
    "transpose/not-a-tensor": ("Does not return a torch.Tensor.", "返回的不是 torch.Tensor。"),
    "transpose/no-transpose": ("Returns corr2d(X, K): nothing transposed.", "返回了 corr2d(X, K)：没有做任何转置。"),
    "transpose/wrong-transpose": ("Transposes the wrong tensor (X, K or the output).",
                                  "转置了错误的张量（X、K 或输出）。"),
    "transpose/wrong-values": ("Wrong values (no known pattern).", "数值错误（无已知模式）。"),
    "transpose/transposes-x": ("via_transposed_kernel transposes X.", "via_transposed_kernel 转置了 X。"),
    # conv2d_autograd
    "conv2d/not-a-module": ("The layer is not an nn.Module.", "该层不是 nn.Module。"),
    "conv2d/parameters": ("Wrong parameters: names, shapes or initial values of weight and bias.",
                          "参数有误：weight 和 bias 的名称、形状或初始值不对。"),
    "conv2d/forward-2d": ("forward on a 2-D image is not corr2d(X, weight) + bias.",
                          "二维输入时 forward 不等于 corr2d(X, weight) + bias。"),
    "conv2d/batch-forward": ("forward on a (N, 1, H, W) batch is wrong (images glued together, axes lost).",
                             "对 (N, 1, H, W) 批量输入的 forward 有误（图像被拼接或丢失了维度）。"),
    "conv2d/leaves-autograd": ("The layer's output does not require grad.", "该层的输出不需要梯度。"),
    "conv2d/parameter-unused": ("weight or bias gets no gradient: not used in forward.",
                                "weight 或 bias 没有梯度：forward 中没有使用它。"),
    "conv2d/wrong-gradient": ("Parameter gradients differ from F.conv2d's.", "参数梯度与 F.conv2d 的不一致。"),
    "conv2d/input-cut-off": ("X.grad is None: the output is cut off from the input.", "X.grad 为 None：输出与输入断开。"),
    "conv2d/images-mixed": ("X.grad mixes the images of the batch.", "X.grad 混合了批量中的不同图像。"),
    "conv2d/no-error": ("The book's loop runs without error on this Conv2D (it should fail).",
                        "书中的训练循环在这个 Conv2D 上没有报错（本应报错）。"),
    "conv2d/reproduce-not-returned": ("reproduce_error does not return the exception object.",
                                      "reproduce_error 没有返回异常对象。"),
    "conv2d/reproduce-different-error": ("reproduce_error returns another error than the loop raises.",
                                         "reproduce_error 返回的异常与训练循环实际抛出的不同。"),
    "conv2d/learned-not-a-tensor": ("learn_kernel does not return a tensor.", "learn_kernel 返回的不是张量。"),
    "conv2d/learned-shape": ("learn_kernel returns a weight of the wrong shape.", "learn_kernel 返回的权重形状不对。"),
    "conv2d/learned-not-detached": ("learn_kernel returns a weight still attached to the graph.",
                                    "learn_kernel 返回的权重仍连在计算图上（未 detach）。"),
    "conv2d/empty-batch": ("BatchConv2D fails on an empty batch (N = 0).", "BatchConv2D 在空批量（N = 0）上出错。"),
    "conv2d/learned-solved-directly": ("learn_kernel(steps=0) already returns the fitted kernel: solved, not trained.",
                                       "learn_kernel(steps=0) 已返回拟合好的核：是直接求解，而不是训练。"),
    "conv2d/learning-step-count": ("learn_kernel takes one step too few or too many.",
                                   "learn_kernel 多走或少走了一步。"),
    "conv2d/learning-mean-loss": ("learn_kernel uses a mean instead of the summed squared error.",
                                  "learn_kernel 用了平均而不是平方误差之和。"),
    "conv2d/learning-init-depends-on-lr": ("learn_kernel's initial weight depends on the learning rate.",
                                           "learn_kernel 的初始权重依赖于学习率。"),
    "conv2d/learning-wrong": ("learn_kernel does not take plain gradient-descent steps.",
                              "learn_kernel 没有按朴素梯度下降更新。"),
    # correlation_as_matmul
    "matmul/unfold-transposed": ("unfold returns the transposed layout (like F.unfold).",
                                 "unfold 返回了转置的布局（像 F.unfold 那样）。"),
    "matmul/unfold-column-major": ("Windows flattened column by column.", "窗口按列展平了。"),
    "matmul/unfold-window-order": ("Windows listed column by column.", "窗口按列的顺序排列了。"),
    "matmul/unfold-wrong": ("unfold lists the wrong windows (no known pattern).", "unfold 列出的窗口不对（无已知模式）。"),
    "matmul/not-a-matrix-product": ("corr2d_matmul gets its numbers without a matrix product (corr2d, a "
                                    "convolution routine, or loops).",
                                    "corr2d_matmul 的结果不是由矩阵乘法得到的（调用了 corr2d、卷积函数或循环）。"),
    "matmul/corr2d-matmul-wrong": ("corr2d_matmul gives wrong values.", "corr2d_matmul 的数值错误。"),
    "matmul/corr2d-matmul-transposed": ("corr2d_matmul reshapes to (out_w, out_h).",
                                        "corr2d_matmul 重塑成了 (out_w, out_h)。"),
    "matmul/kernel-matrix-transposed": ("kernel_matrix returns W transposed.", "kernel_matrix 返回了转置的 W。"),
    "matmul/kernel-matrix-return-in-loop": ("kernel_matrix fills only the first output row: `return` in the loop.",
                                            "kernel_matrix 只填了第一行输出：`return` 写在循环里。"),
    "matmul/kernel-matrix-wrong": ("kernel_matrix puts the weights in the wrong columns.",
                                   "kernel_matrix 把权重放在了错误的列。"),
    # second_derivative
    "second-derivative/not-a-tensor": ("The kernel is not a torch.Tensor.", "卷积核不是 torch.Tensor。"),
    "second-derivative/kernel-shape": ("The kernel has the wrong shape (1-D instead of (1, n)?).",
                                       "卷积核形状不对（是一维而不是 (1, n)？）。"),
    "second-derivative/integer-kernel": ("The kernel has an integer dtype.", "卷积核是整数类型。"),
    "second-derivative/not-exact": ("The kernel does not give f'' exactly on quadratics.",
                                    "该卷积核在二次多项式上不能精确给出 f''。"),
    "second-derivative/laplacian-wrong": ("The Laplacian kernel does not give f_xx + f_yy.",
                                          "拉普拉斯卷积核不能给出 f_xx + f_yy。"),
    "second-derivative/min-size": ("MIN_SIZE is not the fewest taps.", "MIN_SIZE 不是最少的抽头数。"),
    # blur_kernel
    "blur/integer-kernel": ("The blur kernel has an integer dtype.", "模糊卷积核是整数类型。"),
    "blur/zero-sum": ("The weights sum to zero or less: not an average.", "权重之和不大于零：不是平均。"),
    "blur/negative-weights": ("The blur kernel has negative weights.", "模糊卷积核有负权重。"),
    "blur/not-normalised": ("The weights do not sum to 1.", "权重之和不为 1（未归一化）。"),
    "blur/not-symmetric": ("The kernel is not symmetric: it shifts or skews the image.",
                           "卷积核不对称：会平移或扭曲图像。"),
    "blur/not-low-pass": ("The kernel does not damp a checkerboard: not low-pass.",
                          "卷积核不能削弱棋盘格：不是低通滤波。"),
    "blur/noise-kept": ("The kernel does not reduce white noise.", "卷积核不能降低白噪声。"),
    # derivative_kernels
    "derivative/not-a-tensor": ("The kernel is not a torch.Tensor.", "卷积核不是 torch.Tensor。"),
    "derivative/kernel-shape": ("The kernel's shape is not (1, d + 1).", "卷积核形状不是 (1, d + 1)。"),
    "derivative/integer-kernel": ("The kernel has an integer dtype.", "卷积核是整数类型。"),
    "derivative/book-sign": ("The book's sign: [[1, -1]] gives minus the derivative.",
                             "沿用了书中的符号：[[1, -1]] 给出的是导数的相反数。"),
    "derivative/not-exact": ("The kernel does not give the d-th derivative exactly.",
                             "该卷积核不能精确给出 d 阶导数。"),
    "derivative/min-size-too-small": ("min_kernel_size is too small.", "min_kernel_size 太小。"),
    "derivative/min-size-too-large": ("min_kernel_size is larger than needed.", "min_kernel_size 比需要的大。"),
    "derivative/integral-mean": ("integral_kernel averages the samples instead of summing them.",
                                 "integral_kernel 求的是平均而不是和。"),
    "derivative/integral-wrong": ("integral_kernel does not sum the samples.", "integral_kernel 没有对采样值求和。"),
    # directional_edges
    "directional/not-zero-sum": ("The weights do not sum to 0: ramps give a varying response.",
                                 "权重之和不为 0：斜坡的响应不是常数。"),
    "directional/y-axis-flipped": ("Wrong response for a vertical v (the row index i grows downwards).",
                                   "竖直方向 v 的响应不对（行索引 i 向下增长）。"),
    "directional/x-axis-flipped": ("Wrong response for a horizontal v (the section's [[1, -1]] points left).",
                                   "水平方向 v 的响应不对（本节的 [[1, -1]] 指向左）。"),
    "directional/not-directional-derivative": ("The response is not proportional to v_x f_x + v_y f_y.",
                                               "响应与 v_x f_x + v_y f_y 不成比例。"),
    "directional/not-blind-across": ("Responds to change along the edge (along (v_y, -v_x)).",
                                     "对沿边缘方向（(v_y, -v_x)）的变化也有响应。"),
    # fc_to_conv
    "fc-to-conv/pixelwise-wrong": ("pixelwise_linear is not a 1x1 convolution.", "pixelwise_linear 不等于 1x1 卷积。"),
    "fc-to-conv/corr1d-wrong": ("corr1d is not the 'valid' 1-D cross-correlation.", "corr1d 不是 'valid' 一维互相关。"),
    "fc-to-conv/same-padding-wrong": ("corr2d_same pads with zeros wrongly (not centred).",
                                      "corr2d_same 的零填充不对（没有居中）。"),
    "fc-to-conv/pad-edge": ("corr2d_same's \"edge\" mode is wrong.", "corr2d_same 的 \"edge\" 模式不对。"),
    "fc-to-conv/pad-reflect": ("corr2d_same's \"reflect\" mode is wrong.", "corr2d_same 的 \"reflect\" 模式不对。"),
    "fc-to-conv/pad-symmetric": ("corr2d_same's \"symmetric\" mode is wrong (often torch's reflect).",
                                 "corr2d_same 的 \"symmetric\" 模式不对（常误用 torch 的 reflect）。"),
    "fc-to-conv/pad-wrap": ("corr2d_same's \"wrap\" mode is wrong.", "corr2d_same 的 \"wrap\" 模式不对。"),
    "fc-to-conv/unknown-mode-accepted": ("corr2d_same accepts a mode it should reject with ValueError.",
                                         "corr2d_same 接受了应以 ValueError 拒绝的模式。"),
    "fc-to-conv/unknown-mode-wrong-error": ("corr2d_same rejects an unknown mode, but not with ValueError.",
                                            "corr2d_same 拒绝了未知模式，但抛出的不是 ValueError。"),
    "fc-to-conv/full-convolution-wrong": ("conv2d_full is not the strict 'full' convolution.",
                                          "conv2d_full 不是严格的 'full' 卷积。"),
    "fc-to-conv/full-not-commutative": ("conv2d_full(K, X) differs from conv2d_full(X, K) (no flip?).",
                                        "conv2d_full(K, X) 与 conv2d_full(X, K) 不同（没有翻转？）。"),
    "fc-to-conv/receptive-field": ("receptive_field gives the wrong side.", "receptive_field 的结果不对。"),
}

OTHER = ("A failure no rule recognises: read the message.", "没有规则能识别的错误：请看具体信息。")


def other(module: str, function: str) -> str:
    """The code of a failure of ``module.function`` that no rule recognises."""
    return f"{module}.{function}/other"


def known(code: str) -> bool:
    return code in MISTAKES or (code.endswith("/other") and "." in code)


def meaning(code: str | None, lang: str = "en") -> str:
    """What ``code`` means, in ``lang`` ("en" or "zh"); the code itself when unknown."""
    if not code:
        return ""
    pair = MISTAKES.get(code)
    if pair is None and code.endswith("/other"):
        pair = OTHER
    if pair is None:
        return code
    return pair[1] if lang == "zh" else pair[0]
