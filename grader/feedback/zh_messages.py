"""Chinese for the checks' messages and hints, keyed by the English template as the code writes it.

A key is the text of a string or f-string in grader/checks/*.py, grader/checking.py,
grader/grading.py, grader/runner.py or grader/integrity.py, with ``{}`` where the f-string inserts a value.
Line by line (a key and its translation have the same lines), ``{}`` in the translation takes
the line's values in order and ``{k}`` the k-th value of the line (0-based), for another word order.
tests/test_feedback.py fails for any message or hint of the checks that has no entry here:
when you add or change one, add or change its translation.
"""

MESSAGES = {
    '\nEvery output is exactly minus the derivative: the sign is flipped. corr2d gives sum_k K[0, k] * f(j + k); which of f(j), f(j + 1) should get the minus sign?':
        '\n每个输出都恰好是导数的相反数：符号反了。corr2d 给出 sum_k K[0, k] * f(j + k)；f(j) 和 f(j + 1) 中哪一个应该带负号？',
    '\nOn single monomials (first output): ':
        '\n在单个单项式上（第一个输出）：',
    '\nYour kernel averages the samples; the exercise asks for their sum.':
        '\n你的卷积核对样本取了平均；练习要求的是它们的和。',
    ' (relative to a constant image, which your kernel scales by {})':
        '（相对于常数图像而言，你的卷积核把它缩放了 {} 倍）',
    ' (the default size is 3).':
        '（默认尺寸是 3）。',
    ' ({} / {}, relative to a constant image, which your kernel scales by {})':
        '（{} / {}，相对于常数图像而言，你的卷积核把它缩放了 {} 倍）',
    ' Make sure the body uses its own kernel argument, not a global variable such as K.':
        '请确认函数体使用的是它自己的卷积核参数，而不是 K 这样的全局变量。',
    ' The error depends on your corr2d: a loop-based and a vectorised one fail differently, so do not copy the message from elsewhere.':
        '这个错误取决于你的 corr2d：用循环写的和向量化写的会以不同方式出错，所以不要从别处照抄错误信息。',
    ' Without the flip you get cross-correlation, which is not commutative.':
        '不翻转就得到互相关，而互相关不满足交换律。',
    ' Work out corr2d(X.T, K)[i, j] = sum_ab K[a, b] * X[j + b, i + a]: which kernel, applied to X itself, gives these numbers, and at which output position?':
        '推导一下 corr2d(X.T, K)[i, j] = sum_ab K[a, b] * X[j + b, i + a]：哪个卷积核作用在 X 本身上会给出这些数，又出现在哪个输出位置？',
    ' Your result is what {} would give.':
        '你的结果是 {} 会给出的结果。',
    '"edge" repeats the outermost pixel: np.pad([1, 2, 3], 2, mode=\'edge\') is [1, 1, 1, 2, 3, 3, 3].':
        '"edge" 重复最外侧的像素：np.pad([1, 2, 3], 2, mode=\'edge\') 是 [1, 1, 1, 2, 3, 3, 3]。',
    '"reflect" mirrors without repeating the border pixel: np.pad([1, 2, 3], 2, mode=\'reflect\') is [3, 2, 1, 2, 3, 2, 1].':
        '"reflect" 做镜像但不重复边界像素：np.pad([1, 2, 3], 2, mode=\'reflect\') 是 [3, 2, 1, 2, 3, 2, 1]。',
    '"symmetric" mirrors including the border pixel: np.pad([1, 2, 3], 2, mode=\'symmetric\') is [2, 1, 1, 2, 3, 3, 2]. (torch.nn.functional.pad\'s \'reflect\' is numpy\'s "reflect", not "symmetric".)':
        '"symmetric" 做镜像并包含边界像素：np.pad([1, 2, 3], 2, mode=\'symmetric\') 是 [2, 1, 1, 2, 3, 3, 2]。（torch.nn.functional.pad 的 \'reflect\' 对应 numpy 的 "reflect"，而不是 "symmetric"。）',
    '"wrap" continues from the opposite side: np.pad([1, 2, 3], 2, mode=\'wrap\') is [2, 3, 1, 2, 3, 1, 2].':
        '"wrap" 从另一侧接着取值：np.pad([1, 2, 3], 2, mode=\'wrap\') 是 [2, 3, 1, 2, 3, 1, 2]。',
    'A blur is a weighted average of neighbouring pixels: every weight must be >= 0.':
        '模糊是相邻像素的加权平均：每个权重都必须 >= 0。',
    'A blur is a weighted average: non-negative weights that sum to 1.':
        '模糊是加权平均：权重非负且和为 1。',
    'A blur must not shift or skew the image: the weights should depend only on the distance from the centre of the kernel. If you sample a Gaussian, centre the coordinates: for size n they run from -(n - 1) / 2 to (n - 1) / 2.':
        '模糊不应该平移或扭曲图像：权重只应取决于到卷积核中心的距离。如果你对高斯函数采样，请把坐标居中：尺寸为 n 时坐标从 -(n - 1) / 2 到 (n - 1) / 2。',
    "A ramp's value grows from place to place; the response stays constant only if the weights sum to 0 (yours sum to {}).":
        '斜坡的值逐点增长；只有权重之和为 0 时响应才是常数（你的权重之和为 {}）。',
    'After `{}.backward(G)`, X.grad is None: the output is cut off from the input X.':
        '执行 `{}.backward(G)` 之后 X.grad 是 None：输出与输入 X 断开了。',
    'After `{}.backward(G)`, {}.grad is None: the output does not depend on self.{}.':
        '执行 `{}.backward(G)` 之后 {}.grad 是 None：输出不依赖于 self.{}。',
    'After `{}` and backward(), {}.grad is None: the result does not depend on {} through autograd.':
        '执行 `{}` 和 backward() 之后 {}.grad 是 None：结果没有通过自动求导依赖于 {}。',
    'Apply corr2d to each image X[n, 0] on its own, stack the results and keep the channel axis: the output of a (N, 1, H, W) batch has shape (N, 1, H - k_h + 1, W - k_w + 1). Gluing the images into one tall image mixes rows of neighbouring images.':
        '对每张图像 X[n, 0] 单独应用 corr2d，把结果堆叠起来并保留通道维：(N, 1, H, W) 批量的输出形状是 (N, 1, H - k_h + 1, W - k_w + 1)。把图像拼成一张高图会混入相邻图像的行。',
    'Apply your kernel to rows with unit contrast: a flat row, a ramp 0 1 2 3 4, a step 0 0 1 1 1 and a one-pixel line 0 0 1 0 0, and compare the largest absolute outputs.':
        '把你的卷积核作用在对比度为 1 的行上：平坦的行、斜坡 0 1 2 3 4、阶跃 0 0 1 1 1 以及单像素细线 0 0 1 0 0，比较各自输出绝对值的最大值。',
    'At unit spacing every sample stands for an interval of width 1: corr2d must return f(j) + f(j + 1) + ... + f(j + n - 1).':
        '单位间距下每个样本代表宽度为 1 的区间：corr2d 必须返回 f(j) + f(j + 1) + ... + f(j + n - 1)。',
    'Averaging neighbours that alternate between +1 and -1 should cancel them out; a kernel whose weight sits on one pixel (or only on pixels of one colour of the board) does not average neighbours.':
        '对在 +1 和 -1 之间交替的相邻像素取平均应该使它们相互抵消；权重集中在一个像素上（或只落在棋盘一种颜色的像素上）的卷积核并没有对邻域取平均。',
    'Averaging several independent noisy pixels cancels part of the noise. Spread the weight over the neighbourhood and make the weights sum to 1.':
        '对若干独立的含噪像素取平均可以抵消一部分噪声。把权重分散到邻域上，并让权重之和为 1。',
    'BatchConv2D({})(X) on an empty batch X of shape {}':
        'BatchConv2D({})(X)，X 是形状为 {} 的空批量',
    'Build it with torch.tensor([[...]]) (note the double brackets: a 2-D kernel).':
        '用 torch.tensor([[...]]) 构造它（注意双层方括号：二维卷积核）。',
    'Build the (out_h * out_w, k_h * k_w) matrix of windows with your unfold and multiply it by K.reshape(-1) with @ (or torch.matmul / torch.mv / torch.einsum); then reshape.':
        '用你的 unfold 构造 (out_h * out_w, k_h * k_w) 的窗口矩阵，再用 @（或 torch.matmul / torch.mv / torch.einsum）乘以 K.reshape(-1)；然后 reshape。',
    'Build the image with torch, e.g. torch.eye(n) or torch.tril(torch.ones(n, n)).':
        '用 torch 构造图像，例如 torch.eye(n) 或 torch.tril(torch.ones(n, n))。',
    'Build the loop exactly as described (reshape X to (1, 1, 6, 8) and Y to (1, 1, 6, 7), net = Conv2D((1, 2))), wrap it in try/except Exception as e, and `return e` (do not raise it, do not create a new exception).':
        '严格按照描述构造训练循环（把 X reshape 为 (1, 1, 6, 8)，Y reshape 为 (1, 1, 6, 7)，net = Conv2D((1, 2))），用 try/except Exception as e 包起来，然后 `return e`（不要抛出它，也不要新建异常）。',
    'Build the output from X with torch operations only.':
        '只用 torch 运算从 X 构造输出。',
    'Call your corr2d with the transposed tensor; compare with the formula on a small non-square X.':
        '用转置后的张量调用你的 corr2d；在一个小的非方形 X 上与公式比较。',
    'Cell {} raised {}: {} (the other cells still ran).':
        '第 {} 个单元格抛出 {}：{}（其他单元格照常运行）。',
    "Check mode against the five valid names first and raise ValueError(...) naming them. (numpy.pad has more modes, like 'maximum' or 'linear_ramp', and torch.nn.functional.pad has its own names, like 'circular' and 'replicate'; none of them is valid here, so do not pass mode on unchecked.)":
        "先检查 mode 是否是五个有效名称之一，否则抛出列出这些名称的 ValueError(...)。（numpy.pad 还有其他模式，如 'maximum' 或 'linear_ramp'；torch.nn.functional.pad 有自己的名称，如 'circular' 和 'replicate'；这些在这里都无效，所以不要不经检查就把 mode 传下去。）",
    "Compare a convolution's parameter count and cost with a fully connected layer's, then think of an image in which the same pattern means different things in different places.":
        '比较卷积层与全连接层的参数量和计算量，再想一想：在什么样的图像里，同一个图案在不同位置意味着不同的东西？',
    'Compute both for X = torch.eye(8) and K = torch.tensor([[1.0, -1.0]]) and compare them with torch.equal. What is special about torch.eye(8).T?':
        '对 X = torch.eye(8) 和 K = torch.tensor([[1.0, -1.0]]) 计算两者，并用 torch.equal 比较。torch.eye(8).T 有什么特别之处？',
    'Compute the output from self.weight and self.bias with torch operations (no .detach(), .data, .item() or torch.tensor(...) of results).':
        '用 torch 运算由 self.weight 和 self.bias 计算输出（不要对结果使用 .detach()、.data、.item() 或 torch.tensor(...)）。',
    'Compute {}, for i in range(n_h - k_h + 1) and j in range(n_w - k_w + 1).':
        '计算 {}，其中 i in range(n_h - k_h + 1)，j in range(n_w - k_w + 1)。',
    "Conv2D is the chapter's layer for one 2-D image: forward(X) = corr2d(X, self.weight) + self.bias, nothing more. Batch support belongs in BatchConv2D.":
        'Conv2D 是本节针对单张二维图像的层：forward(X) = corr2d(X, self.weight) + self.bias，仅此而已。批量支持属于 BatchConv2D。',
    'Count the equations (one per monomial 1, x, ..., x**d) and the unknowns (one per tap).':
        '数一数方程个数（每个单项式 1, x, ..., x**d 一个）和未知数个数（每个抽头一个）。',
    'Divide by the sum of the weights, so that an image of constant intensity keeps its intensity.':
        '除以权重之和，这样强度恒定的图像能保持原来的强度。',
    'Each output element must be a sum of K[a, b] * X[i + a, j + b] built from X and K themselves, so that backward() reaches every pixel and every kernel entry.':
        '每个输出元素都必须是由 X 和 K 本身构造的 K[a, b] * X[i + a, j + b] 之和，这样 backward() 才能到达每个像素和每个卷积核元素。',
    'Each output must depend on its own image only, as with torch.nn.functional.conv2d.':
        '每个输出只能依赖于它自己的那张图像，就像 torch.nn.functional.conv2d 一样。',
    'Each window is flattened column by column; flatten it row-major, X[i:i + k_h, j:j + k_w].reshape(-1).':
        '每个窗口是按列展平的；请按行优先展平：X[i:i + k_h, j:j + k_w].reshape(-1)。',
    'Every line parallel to the diagonal (i - j constant) or to the anti-diagonal (i + j constant) must have one value: then the edges run diagonally. A vertical or horizontal edge does not qualify.':
        '每条与对角线平行（i - j 为常数）或与反对角线平行（i + j 为常数）的线上只能有一个值：这样边缘才沿对角线方向。竖直或水平的边缘不符合要求。',
    'Exactness on 1, x, ..., x**{} is {} linear equations in the weights. With n taps, the first n of them (right-hand side 0) already force every weight to be 0; what does the last equation then say?':
        '在 1, x, ..., x**{} 上精确，就是关于权重的 {} 个线性方程。有 n 个抽头时，前 n 个方程（右端为 0）已经迫使每个权重都为 0；那么最后一个方程说明了什么？',
    'Experiment: train Conv2D for one step on the 2-D 6x8 image (does backward() work there?), then print net(X).shape for the 4-D X, and the dtypes of X and net.weight.':
        '做个实验：在二维 6x8 图像上训练 Conv2D 一步（backward() 在那里能用吗？），然后打印四维 X 对应的 net(X).shape，以及 X 和 net.weight 的 dtype。',
    "For X of shape (N, 1, H, W), apply corr2d to each image X[n, 0] and stack the results into shape (N, 1, H', W'), then add the bias: e.g. torch.stack([corr2d(x[0], self.weight) for x in X]).unsqueeze(1) + self.bias. Each image is cross-correlated on its own: do not glue the images together into one tall image.":
        "对形状为 (N, 1, H, W) 的 X，对每张图像 X[n, 0] 应用 corr2d，把结果堆叠成形状 (N, 1, H', W')，再加上偏置：例如 torch.stack([corr2d(x[0], self.weight) for x in X]).unsqueeze(1) + self.bias。每张图像单独做互相关：不要把图像拼成一张高图。",
    "For f(x) = x the samples are 0, 1, 2, 3, ... and f' = 1 everywhere. The section's [[1, -1]] gives f(j) - f(j + 1) = -1 there.":
        "对 f(x) = x，样本是 0, 1, 2, 3, ...，处处 f' = 1。本节的 [[1, -1]] 在那里给出 f(j) - f(j + 1) = -1。",
    'Grader error: this check could not be run; it scores 0 for now. Please tell your instructor.':
        '评分程序错误：这项检查无法运行，暂记 0 分。请告诉你的老师。',
    'Grader error: this exercise could not be graded; it scores 0 for now. Please tell your instructor.':
        '评分程序错误：这个练习无法评分，暂记 0 分。请告诉你的老师。',
    "Gradients must equal those of torch.nn.functional.conv2d(X, weight[None, None], bias): the weight's gradient sums over every output position of every image.":
        '梯度必须与 torch.nn.functional.conv2d(X, weight[None, None], bias) 的梯度相同：权重的梯度要对每张图像的每个输出位置求和。',
    'Height and width of the kernel are swapped: k_h = K.shape[0] counts rows (the first axis), k_w = K.shape[1] counts columns.':
        '卷积核的高和宽弄反了：k_h = K.shape[0] 是行数（第一个维度），k_w = K.shape[1] 是列数。',
    'In __init__: self.weight = nn.Parameter(torch.rand(kernel_size)) and self.bias = nn.Parameter(torch.zeros(1)).':
        '在 __init__ 中：self.weight = nn.Parameter(torch.rand(kernel_size))，self.bias = nn.Parameter(torch.zeros(1))。',
    'Integer weights make an int64 tensor; pass dtype=torch.float32 or write them as floats.':
        '整数权重会得到 int64 张量；请传入 dtype=torch.float32，或把它们写成浮点数。',
    "Integrity: `{}` could not be measured: {}. The grader measures how your code computes with torch as it was; do not replace torch's, numpy's or Python's own functions.":
        '完整性：无法测量 `{}`：{}。评分程序测量的是你的代码如何使用原本的 torch 进行计算；不要替换 torch、numpy 或 Python 自带的函数。',
    "Integrity: corr2d_matmul switched off the grader's view of torch operations, so its method cannot be checked.":
        '完整性：corr2d_matmul 关闭了评分程序对 torch 运算的观察，因此无法检查它的方法。',
    "Integrity: via_transposed_kernel switched off the grader's view of torch operations, so what it does to X cannot be checked.":
        '完整性：via_transposed_kernel 关闭了评分程序对 torch 运算的观察，因此无法检查它对 X 做了什么。',
    'Intensity that changes along the edge, not across it, is not an edge in direction v. With the weights summing to 0, the response to a*j + b*i is a*(sum of K[p, q]*q) + b*(sum of K[p, q]*p); it must be proportional to v_x*a + v_y*b.':
        '沿着边缘方向（而不是垂直于边缘）变化的强度，不是方向 v 上的边缘。在权重之和为 0 时，对 a*j + b*i 的响应是 a*(K[p, q]*q 之和) + b*(K[p, q]*p 之和)；它必须与 v_x*a + v_y*b 成正比。',
    "Learn the kernel by gradient descent from the layer's random initialisation, as the chapter does; do not solve for it directly. ":
        '像本节那样，从层的随机初始值出发用梯度下降学习卷积核；不要直接求解。',
    'Look at what your kernel did to the checkerboard and to the white noise in the other checks, and to an edge: does a blurred edge get crisper?':
        '看看你的卷积核对其他检查中的棋盘格和白噪声做了什么，以及对一条边缘做了什么：模糊后的边缘会变得更清晰吗？',
    'Make one side of the diagonal differ from the other.':
        '让对角线一侧的值与另一侧不同。',
    'Make sure every output element is computed from {} with torch operations (no .item(), .detach(), .data or a global variable in place of the argument).':
        '确保每个输出元素都是用 torch 运算由 {} 计算出来的（不要用 .item()、.detach()、.data，也不要用全局变量代替参数）。',
    'Off by one: there are n_h - k_h + 1 output rows and n_w - k_w + 1 output columns.':
        '差了一：输出有 n_h - k_h + 1 行和 n_w - k_w + 1 列。',
    'On samples of {} (taken at x = 0, 1, 2, ...) the first output of your kernel is {}; the derivative of order {} of these is {}.':
        '在 {} 的样本上（取 x = 0, 1, 2, ...），你的卷积核的第一个输出是 {}；它们的 {} 阶导数是 {}。',
    'On samples of {} taken at x = 0, 1, 2, ... your kernel gives {}; their derivatives of order {} are {}.':
        '在 {} 的样本上（取 x = 0, 1, 2, ...），你的卷积核给出 {}；它们的 {} 阶导数是 {}。',
    "One output of a k x k layer sees k positions per axis of its input; each of those sees k' positions of the layer below, overlapping with its neighbours'. The section's two 2x2 layers see 3, not 4. With no layer at all, an output is its own input: 1.":
        "k x k 层的一个输出在输入的每个维度上看到 k 个位置；其中每一个又看到下一层的 k' 个位置，并与相邻位置的视野重叠。本节两个 2x2 层看到的是 3，而不是 4。一层都没有时，输出就是它自己的输入：1。",
    'Only the first output row is right and the others are 0: is a `return` indented inside the outer loop, so the function stops after row 0, or does the row loop end too early? There are n_h - k_h + 1 output rows.':
        '只有第一行输出是对的，其余都是 0：是不是有一个 `return` 缩进到了外层循环里面，使函数在第 0 行之后就返回了？或者行循环结束得太早？输出应有 n_h - k_h + 1 行。',
    'Only the rows of the first output row (i = 0) are filled: is a `return` indented inside the outer loop?':
        '只有第一行输出（i = 0）对应的行被填上了：是不是有一个 `return` 缩进到了外层循环里面？',
    'Pad X with k_h // 2 rows of zeros above and below and k_w // 2 columns left and right, then apply corr2d: output (i, j) is centred on input (i, j).':
        '在 X 的上下各填充 k_h // 2 行 0、左右各填充 k_w // 2 列 0，再应用 corr2d：输出 (i, j) 以输入 (i, j) 为中心。',
    'Print edge_response(torch.tril(torch.ones(8, 8))) and look at where the entries are non-zero. Walking along one row of the image, where does the intensity change?':
        '打印 edge_response(torch.tril(torch.ones(8, 8)))，看看哪些元素非零。沿着图像的一行走，强度在哪里发生变化？',
    'Print the shapes first: corr2d(X, K) is 8x7 here. Then compare corr2d(X, K.T) with each candidate using torch.equal.':
        '先打印形状：这里 corr2d(X, K) 是 8x7。再用 torch.equal 把 corr2d(X, K.T) 与每个候选比较。',
    'Require exactness on the monomials 1, x, ..., x**d sampled at x = 0, 1, ..., d: the weighted sum sum_k w_k * k**m must be 0 for m < d and d! for m = d. Solve these d + 1 equations for the d + 1 weights (sympy or numpy).':
        '要求在 x = 0, 1, ..., d 处采样的单项式 1, x, ..., x**d 上精确：加权和 sum_k w_k * k**m 在 m < d 时必须为 0，在 m = d 时为 d!。对 d + 1 个权重解这 d + 1 个方程（用 sympy 或 numpy）。',
    'Return a 2-D tensor with one row, e.g. torch.tensor([[...]]).':
        '返回只有一行的二维张量，例如 torch.tensor([[...]])。',
    'Return a torch.Tensor built with torch operations (no numpy arrays, lists or Python numbers).':
        '返回由 torch 运算构造的 torch.Tensor（不要返回 numpy 数组、列表或 Python 数字）。',
    'Return net.weight.detach() (or net.weight.data).':
        '返回 net.weight.detach()（或 net.weight.data）。',
    'Return net.weight.detach().':
        '返回 net.weight.detach()。',
    "Return the layer's weight itself, shaped like kernel_size (not the 4-D weight of nn.Conv2d).":
        '返回层的权重本身，形状与 kernel_size 相同（不是 nn.Conv2d 的四维权重）。',
    'Return the torch.Tensor that your corr2d gives.':
        '返回你的 corr2d 给出的 torch.Tensor。',
    'Row i * out_w + j holds K[a, b] in column (i + a) * n_w + (j + b), here with n_w = {} and out_w = {}, and zeros elsewhere. Pixel columns step by n_w per image row, not by out_w.':
        '第 i * out_w + j 行在第 (i + a) * n_w + (j + b) 列放 K[a, b]，这里 n_w = {}、out_w = {}，其余为 0。像素列每过一行图像前进 n_w，而不是 out_w。',
    'Row r is X[i:i + k_h, j:j + k_w].reshape(-1) with (i, j) = (r // out_w, r % out_w), out_w = n_w - k_w + 1.':
        '第 r 行是 X[i:i + k_h, j:j + k_w].reshape(-1)，其中 (i, j) = (r // out_w, r % out_w)，out_w = n_w - k_w + 1。',
    'Skipped: this check uses your {}, which fails its own checks ({}): fix {} first.\n(What went wrong here: {})':
        '跳过：此检查要用到你的 {}，而它没有通过自己的检查（{}）：请先修正 {}。\n（这里出现的问题：{}）',
    'Something in corr2d leaves autograd: .item(), float(...), .tolist(), .numpy(), torch.tensor(...) of computed values, .detach() or .data. Keep every step a torch operation on X and K.':
        'corr2d 中有操作离开了自动求导：.item()、float(...)、.tolist()、.numpy()、对计算结果调用 torch.tensor(...)、.detach() 或 .data。让每一步都是作用在 X 和 K 上的 torch 运算。',
    "Start from the layer's own initial weight and repeat, exactly `steps` times: loss = ((net(X) - Y) ** 2).sum() (a sum, not a mean), zero the gradient, loss.backward(), and update only the weight, weight -= lr * weight.grad (inside torch.no_grad(), or on weight.data), with the lr passed in. Keep the bias at zero and out of training.":
        '从层自己的初始权重出发，恰好重复 `steps` 次：loss = ((net(X) - Y) ** 2).sum()（求和，而不是求平均），梯度清零，loss.backward()，然后只更新权重：weight -= lr * weight.grad（在 torch.no_grad() 中，或作用在 weight.data 上），使用传入的 lr。偏置保持为 0，不参与训练。',
    'Strict convolution flips the kernel in both axes: Y[i, j] = sum_ab X[a, b] * K[i - a, j - b]. Frame X with k_h - 1 rows and k_w - 1 columns of zeros on each side and correlate with torch.flip(K, dims=(0, 1)).':
        '严格的卷积在两个维度上都翻转卷积核：Y[i, j] = sum_ab X[a, b] * K[i - a, j - b]。在 X 四周各加上 k_h - 1 行和 k_w - 1 列的 0，再与 torch.flip(K, dims=(0, 1)) 做互相关。',
    'Test each equation on a random non-square X (e.g. 5x7) and a kernel with k_h != k_w (e.g. 2x3): an identity must hold for all of them, not just for a symmetric image like torch.eye(8).':
        '在随机的非方形 X（例如 5x7）和 k_h != k_w 的卷积核（例如 2x3）上检验每个等式：恒等式必须对所有输入成立，而不只是对 torch.eye(8) 这样的对称图像成立。',
    "The column index j grows to the right: v = (1, 0) asks for a positive response where the image gets brighter to the right (f = j). The section's [[1, -1]] gives f(j) - f(j + 1): it points the other way.":
        '列下标 j 向右增长：v = (1, 0) 要求在图像向右变亮的地方（f = j）响应为正。本节的 [[1, -1]] 给出 f(j) - f(j + 1)：方向正好相反。',
    'The notebook does not define `{}` itself (importing it does not count); write `def {}(X, K):` in a code cell.':
        'notebook 本身没有定义 `{}`（导入的不算）；请在一个代码单元格中写 `def {}(X, K):`。',
    "The output of `{}` does not require grad: the layer's result is cut off from its parameters, so it cannot be trained.":
        '`{}` 的输出不需要梯度（requires_grad 为 False）：层的结果与它的参数断开了，因此无法训练。',
    "The output size depends only on X.shape and K.shape. Does the body use its own kernel argument, or a variable named K defined elsewhere in your file (e.g. the chapter's K = torch.tensor([[1.0, -1.0]]))?":
        '输出尺寸只取决于 X.shape 和 K.shape。函数体用的是它自己的卷积核参数，还是文件中别处定义的名为 K 的变量（例如本节的 K = torch.tensor([[1.0, -1.0]])）？',
    'The response should be the directional derivative v_x * f_x + v_y * f_y: combine a kernel for f_x (change to the right) and one for f_y (change downwards, since the row index i grows downwards) with the weights v_x and v_y.':
        '响应应该是方向导数 v_x * f_x + v_y * f_y：把求 f_x 的卷积核（向右的变化）和求 f_y 的卷积核（向下的变化，因为行下标 i 向下增长）以权重 v_x 和 v_y 组合起来。',
    'The row index i grows downwards: v = (0, 1) asks for a positive response where the image gets brighter towards the bottom (f = i), and v = (0, -1) where it gets brighter towards the top.':
        '行下标 i 向下增长：v = (0, 1) 要求在图像向下变亮的地方（f = i）响应为正，v = (0, -1) 则要求在图像向上变亮的地方响应为正。',
    'The submission used up its time budget ({} s); the remaining checks were not run.':
        '这份提交用完了总时间（{} 秒），其余检查没有运行。',
    'The weights of `{}` sum to {}: a constant image does not come through, so the kernel cannot be low-pass.':
        '`{}` 的权重之和为 {}：常数图像不能原样通过，所以这个卷积核不可能是低通的。',
    'The weights of `{}` sum to {}; expected 1.':
        '`{}` 的权重之和为 {}；期望为 1。',
    'The windows are listed column by column; row r is output position (r // out_w, r % out_w).':
        '窗口是按列列出的；第 r 行应该是输出位置 (r // out_w, r % out_w)。',
    'Transpose the kernel instead and then the result: find the identity that links corr2d(X.T, K) to a cross-correlation of X itself (see IDENTITY).':
        '改为先转置卷积核、再转置结果：找出把 corr2d(X.T, K) 与 X 本身的某个互相关联系起来的恒等式（见 IDENTITY）。',
    'Use self.weight and self.bias in forward (not copies or constants).':
        '在 forward 中使用 self.weight 和 self.bias（不要用副本或常数）。',
    'Use the argument n for both sides; do not hard-code the size 8.':
        '两边都用参数 n；不要把尺寸 8 写死。',
    'Weights that sum to 1 are fractions: an integer tensor cannot hold them.':
        '和为 1 的权重是小数：整数张量存不下它们。',
    'With n taps, exactness on 1, x and x**2 is three linear equations in the n weights. Find the smallest n for which they have a solution (and show that fewer taps force a contradiction).':
        '有 n 个抽头时，在 1、x 和 x**2 上精确是关于 n 个权重的三个线性方程。找出使方程组有解的最小 n（并说明更少的抽头会导致矛盾）。',
    'With requires_grad=True, X.numpy() and in-place writes into X or K fail. Use only torch operations on X and K (slicing, *, .sum()) and write results into a new tensor.':
        '当 requires_grad=True 时，X.numpy() 以及对 X 或 K 的原地写入都会失败。只对 X 和 K 使用 torch 运算（切片、*、.sum()），并把结果写入一个新张量。',
    'Write `class {}(nn.Module):` and call super().__init__() first in __init__.':
        '写 `class {}(nn.Module):`，并在 __init__ 中首先调用 super().__init__()。',
    'Write f(j), f(j+1), f(j+2) for f = 1, x and x**2 and require the weighted sum to be 0, 0 and 2 respectively: three equations for three weights.':
        '对 f = 1、x 和 x**2 写出 f(j)、f(j+1)、f(j+2)，并要求加权和分别为 0、0 和 2：三个权重对应三个方程。',
    'Y[d, i, j] = sum_c weight[d, c] * X[c, i, j] + bias[d]: flatten the pixels, X.reshape(C_in, H * W), multiply by weight, add bias[:, None], reshape back.':
        'Y[d, i, j] = sum_c weight[d, c] * X[c, i, j] + bias[d]：把像素展平为 X.reshape(C_in, H * W)，乘以 weight，加上 bias[:, None]，再 reshape 回去。',
    'You returned corr2d(X, K): transposing X changes the result unless X is symmetric (as torch.eye(8) is). Try torch.tril(torch.ones(8, 8)).':
        '你返回的是 corr2d(X, K)：除非 X 是对称的（像 torch.eye(8) 那样），转置 X 会改变结果。试试 torch.tril(torch.ones(8, 8))。',
    'You returned {}. Check which of X and K is transposed in `{}`.':
        '你返回的是 {}。检查一下 `{}` 中转置的是 X 还是 K。',
    'Your W is transposed: one row per output position, one column per input pixel.':
        '你的 W 是转置的：应该每个输出位置一行，每个输入像素一列。',
    "Your corr2d ignores its kernel argument. Does its body use a variable named K defined outside the function (the chapter's K = torch.tensor([[1.0, -1.0]]) for instance) while the parameter has another name?":
        '你的 corr2d 忽略了它的卷积核参数。函数体是否用了在函数外定义的名为 K 的变量（例如本节的 K = torch.tensor([[1.0, -1.0]])），而参数却是另一个名字？',
    'Your output has one row fewer instead of one column fewer: [[1, -1]] is a 1x2 kernel (one row, two columns), not its transpose.':
        '你的输出少了一行而不是少了一列：[[1, -1]] 是 1x2 的卷积核（一行两列），不是它的转置。',
    "Your result has the opposite sign: the chapter's kernel is [[1, -1]], so Y[i, j] = X[i, j] - X[i, j + 1] (the pixel minus its right-hand neighbour).":
        '你的结果符号相反：本节的卷积核是 [[1, -1]]，所以 Y[i, j] = X[i, j] - X[i, j + 1]（像素减去它右边的邻居）。',
    'Your result has the transposed shape: reshape to (out_h, out_w), rows first.':
        '你的结果形状是转置的：应 reshape 为 (out_h, out_w)，行在前。',
    "Your result is a convolution (kernel flipped). The chapter's corr2d does not flip K: {}.":
        '你的结果是卷积（卷积核被翻转了）。本节的 corr2d 不翻转 K：{}。',
    'Your result is the cross-correlation with K.T: rows and columns of the kernel are mixed up. K[a, b] multiplies X[i + a, j + b]; a runs down the rows, b along the columns.':
        '你的结果是与 K.T 的互相关：卷积核的行和列弄混了。K[a, b] 乘的是 X[i + a, j + b]；a 沿行向下，b 沿列向右。',
    'Your result is transposed: one row per output position (out_h * out_w rows), one column per kernel entry. torch.nn.functional.unfold returns the transpose of this layout.':
        '你的结果是转置的：应该每个输出位置一行（共 out_h * out_w 行），每个卷积核元素一列。torch.nn.functional.unfold 返回的正是这种布局的转置。',
    '`K = {}` does not give a constant response to a ramp: for the {}x{} ramp {}, corr2d(f, K) ranges from {} to {}:\n{}\nYour kernel:\n{}':
        '`K = {}` 对斜坡的响应不是常数：对 {}x{} 的斜坡 {}，corr2d(f, K) 的范围是 {} 到 {}：\n{}\n你的卷积核：\n{}',
    '`K = {}` does not respond with one s > 0 to every ramp: on {} it gives {} = s * (v_x*a + v_y*b) with s = {}, but on {} it gives {} instead of s * ({}) = {}.\nYour kernel:\n{}':
        '`K = {}` 对所有斜坡的响应没有同一个 s > 0：在 {} 上它给出 {} = s * (v_x*a + v_y*b)，s = {}；但在 {} 上它给出 {}，而不是 s * ({}) = {}。\n你的卷积核：\n{}',
    '`K = {}` gives {} on the ramp {}, which brightens along v; expected a positive value, s * {} for some s > 0.\nYour kernel:\n{}':
        '`K = {0}` 在沿 v 变亮的斜坡 {2} 上给出 {1}，而期望是一个正值，即 s * {3}（某个 s > 0）。\n你的卷积核：\n{}',
    '`K = {}` is not blind to change along (v_y, -v_x): on the ramp {} corr2d(f, K) gives\n{}\nexpected 0 everywhere.\nYour kernel:\n{}':
        '`K = {}` 对沿 (v_y, -v_x) 的变化不是零响应：在斜坡 {} 上 corr2d(f, K) 给出\n{}\n期望处处为 0。\n你的卷积核：\n{}',
    '`K = {}` is not equal to {}:\n{}':
        '`K = {}` 不等于 {}：\n{}',
    '`MIN_SIZE = {}` is not a number of taps.':
        '`MIN_SIZE = {}` 不是一个抽头数。',
    "`MIN_SIZE = {}` is not the fewest taps of a kernel that gives f'' exactly for every polynomial of degree <= 2.":
        "`MIN_SIZE = {}` 不是能对所有次数 <= 2 的多项式精确给出 f'' 的卷积核的最少抽头数。",
    '`MIN_SIZE` is still None: set it to an int.':
        '`MIN_SIZE` 仍然是 None：请把它设为一个整数。',
    '`MIN_SIZE` is {}; expected an int.':
        '`MIN_SIZE` 是 {}；期望是一个整数。',
    '`blur_kernel(1)` is {}; a 1x1 kernel of non-negative weights summing to 1 can only be [[1.]].':
        '`blur_kernel(1)` 是 {}；非负且和为 1 的 1x1 卷积核只能是 [[1.]]。',
    '`corr2d(X, K1)` and `corr2d(X, K2)` returned the same tensor for two different kernels K1 =\n{}\nand K2 =\n{}\n(X of shape (6, 7)).':
        '对两个不同的卷积核，`corr2d(X, K1)` 和 `corr2d(X, K2)` 返回了相同的张量，K1 =\n{}\n而 K2 =\n{}\n（X 的形状为 (6, 7)）。',
    '`corr2d_matmul(X, K)` calls corr2d: the exercise is to compute the same numbers as one matrix product instead.':
        '`corr2d_matmul(X, K)` 调用了 corr2d：练习的要求是改用一次矩阵乘法算出同样的数。',
    '`corr2d_matmul(X, K)` calls {}: a correlation routine computes the result, not a matrix product.':
        '`corr2d_matmul(X, K)` 调用了 {}：结果是由一个相关运算函数算出来的，而不是矩阵乘法。',
    '`corr2d_matmul(X, K)` returns the right numbers, but no matrix product of the windows of X with the flattened kernel produced them (matrix products seen: {}).':
        '`corr2d_matmul(X, K)` 返回的数是对的，但它们不是由 X 的窗口矩阵与展平的卷积核做矩阵乘法得到的（看到的矩阵乘法：{}）。',
    '`integral_kernel({})` = {} does not sum the {} samples under the window: for X =\n{}\ncorr2d(X, K) gives\n{}\nexpected\n{}':
        '`integral_kernel({})` = {} 没有对窗口下的 {} 个样本求和：对 X =\n{}\ncorr2d(X, K) 给出\n{}\n期望\n{}',
    '`laplacian_kernel()` does not give f_xx + f_yy: for f(x, y) = {} sampled as X[i, j] = f(x=j, y=i) on a {}x{} grid, corr2d(X, K) gives\n{}\nexpected {} everywhere.\nYour kernel:\n{}':
        '`laplacian_kernel()` 没有给出 f_xx + f_yy：对 f(x, y) = {}，按 X[i, j] = f(x=j, y=i) 在 {}x{} 网格上采样，corr2d(X, K) 给出\n{}\n期望处处为 {}。\n你的卷积核：\n{}',
    "`min_kernel_size({})` returned {}, but a shorter kernel exists: the exercise's derivative_kernel({}) has shape (1, {}).":
        '`min_kernel_size({})` 返回了 {}，但存在更短的卷积核：练习中的 derivative_kernel({}) 的形状是 (1, {})。',
    '`min_kernel_size({})` returned {}, but no kernel with {} tap{} gives the derivative of order {} exactly on every polynomial of degree <= {}.':
        '`min_kernel_size({0})` 返回了 {1}，但没有 {2} 个抽头的卷积核能对每个次数 <= {5} 的多项式精确给出 {4} 阶导数。',
    '`min_kernel_size({})` returned {}; expected an int.':
        '`min_kernel_size({})` 返回了 {}；期望是一个整数。',
    '`receptive_field({})` returned {}; expected an int.':
        '`receptive_field({})` 返回了 {}；期望是一个整数。',
    '`receptive_field({})` returned {}; expected {}.':
        '`receptive_field({})` 返回了 {}；期望是 {}。',
    '`reproduce_error()` returned {}: {}\nbut {} raises, with your own Conv2D and corr2d:\n{}':
        '`reproduce_error()` 返回了 {}：{}\n但 {} 在你自己的 Conv2D 和 corr2d 上抛出：\n{}',
    '`reproduce_error()` returned {}; expected the exception object that {} raises with your own Conv2D and corr2d: {}':
        '`reproduce_error()` 返回了 {}；期望的是 {} 在你自己的 Conv2D 和 corr2d 上抛出的异常对象：{}',
    "`via_transposed_kernel(X, K)` takes X's entries out of torch ({}), where the grader cannot see whether it transposes them. Pass X to your corr2d as it is.":
        '`via_transposed_kernel(X, K)` 把 X 的元素拿出了 torch（{}），评分程序看不到它是否转置了它们。请把 X 原样传给你的 corr2d。',
    '`via_transposed_kernel(X, K)` transposes X (it calls {}, on X or on a tensor made from X); the exercise is to get the same numbers without turning the image.':
        '`via_transposed_kernel(X, K)` 转置了 X（它调用了 {}，作用在 X 或由 X 得到的张量上）；练习要求在不转置图像的情况下得到同样的数。',
    "`{}((2, 3)).bias` starts at {}; the chapter's bias starts at zero.":
        '`{}((2, 3)).bias` 的初始值是 {}；本节的偏置从 0 开始。',
    '`{}((2, 3)).weight` starts with all entries equal ({}); the chapter starts from random values.':
        '`{}((2, 3)).weight` 的所有元素初始值都相同（{}）；本节从随机值开始。',
    '`{}((2, 3))` has the parameters [{}]; expected exactly `weight` (2, 3) and `bias` (1,), registered as nn.Parameter.':
        '`{}((2, 3))` 的参数是 [{}]；期望恰好是注册为 nn.Parameter 的 `weight` (2, 3) 和 `bias` (1,)。',
    '`{}((2, 3))` is not a torch.nn.Module.':
        '`{}((2, 3))` 不是 torch.nn.Module。',
    '`{}` = {} does not give the derivative of order {}: for f(x) = {} sampled at x = 0..{}, X[0] = {}, corr2d(X, K) gives {}; expected {} at every position.\n{}':
        '`{}` = {} 没有给出 {} 阶导数：对 f(x) = {} 在 x = 0..{} 处采样，X[0] = {}，corr2d(X, K) 给出 {}；期望在每个位置都是 {}。\n{}',
    '`{}` = {} does not give the derivative of order {}: for f(x) = {} sampled at x = 0..{}, X[0] = {}, corr2d(X, K) gives {}; expected {} at every position.{}\n{}':
        '`{}` = {} 没有给出 {} 阶导数：对 f(x) = {} 在 x = 0..{} 处采样，X[0] = {}，corr2d(X, K) 给出 {}；期望在每个位置都是 {}。{}\n{}',
    '`{}` contains NaN or infinite values:\n{}':
        '`{}` 含有 NaN 或无穷大的值：\n{}',
    '`{}` contains inf or nan values.':
        '`{}` 含有 inf 或 nan 值。',
    '`{}` could not be completed by the worker: {}':
        '工作进程无法完成 `{}`：{}',
    '`{}` did not finish within {} s and was stopped (an endless loop, or far too slow?).':
        '`{}` 没有在 {} 秒内完成，已被终止（死循环，或者太慢？）。',
    '`{}` does not depend only on i - j, nor only on i + j: for example X[{}, {}] = {} but X[{}, {}] = {} (same i - j)':
        '`{}` 既不是只取决于 i - j，也不是只取决于 i + j：例如 X[{}, {}] = {}，但 X[{}, {}] = {}（i - j 相同）',
    '`{}` ended the worker process (os._exit, a crash, or a memory/CPU/output limit was hit).':
        '`{}` 结束了工作进程（os._exit、崩溃，或超出内存/CPU/输出限制）。',
    '`{}` has dtype {}; expected a floating-point tensor (e.g. float32).':
        '`{}` 的 dtype 是 {}；期望是浮点张量（例如 float32）。',
    '`{}` has dtype {}; expected a floating-point tensor.':
        '`{}` 的 dtype 是 {}；期望是浮点张量。',
    '`{}` has dtype {}; expected a floating-point tensor{}.':
        '`{}` 的 dtype 是 {}；期望是浮点张量{}。',
    '`{}` has shape {}; expected ({}, {}) (out_h * out_w, n_h * n_w) for K {}.':
        '`{0}` 的形状是 {1}；对 K {4} 期望是 ({2}, {3})，即 (out_h * out_w, n_h * n_w)。',
    '`{}` has shape {}; expected a non-empty 2-D kernel.':
        '`{}` 的形状是 {}；期望是非空的二维卷积核。',
    '`{}` has shape {}; expected kernel_size {}.':
        '`{}` 的形状是 {}；期望是 kernel_size {}。',
    '`{}` has shape {}; the grader takes kernels up to {}x{}.':
        '`{}` 的形状是 {}；评分程序接受的卷积核最大为 {}x{}。',
    '`{}` has wrong values{}: at {} expected {}, got {} ({} of {} entries differ).':
        '`{0}` 的值不对{1}：在 {2} 处期望 {3}，得到 {4}（{6} 个元素中有 {5} 个不同）。',
    '`{}` is constant (every pixel equals {}): a constant image has no edge at all.':
        '`{}` 是常数（每个像素都等于 {}）：常数图像根本没有边缘。',
    '`{}` is not defined in {}.':
        '{1} 中没有定义 `{0}`。',
    '`{}` is still "": set it to one of {}.':
        '`{}` 仍然是 ""：请把它设为 {} 之一。',
    '`{}` is {}, which is not one of the keys {} (exact spelling, lower case).':
        '`{}` 是 {}，不是有效的键 {} 之一（注意拼写，用小写）。',
    '`{}` raised NotImplementedError: not implemented yet.':
        '`{}` 抛出 NotImplementedError：尚未实现。',
    '`{}` returned a tensor that still requires grad (it is attached to the training graph); expected it detached.':
        '`{}` 返回的张量仍然需要梯度（它还连在训练图上）；期望返回 detach 之后的张量。',
    '`{}` returned a {}, a subclass of torch.Tensor; return a plain torch.Tensor.':
        '`{}` 返回的是 {}，它是 torch.Tensor 的子类；请返回普通的 torch.Tensor。',
    '`{}` returned something the grader cannot read ({}).':
        '`{}` 返回了评分程序无法读取的东西（{}）。',
    '`{}` returned {}; expected a 2-D torch.Tensor.':
        '`{}` 返回了 {}；期望是二维 torch.Tensor。',
    '`{}` returned {}; expected a torch.Tensor of shape ({}, {}).':
        '`{}` 返回了 {}；期望是形状为 ({}, {}) 的 torch.Tensor。',
    '`{}` returned {}; expected a torch.Tensor of shape {}.':
        '`{}` 返回了 {}；期望是形状为 {} 的 torch.Tensor。',
    '`{}` returned {}; expected a torch.Tensor.':
        '`{}` 返回了 {}；期望是 torch.Tensor。',
    '`{}` returned {}; expected a torch.Tensor{}.':
        '`{}` 返回了 {}；期望是 torch.Tensor{}。',
    '`{}` returned {}; expected it to raise ValueError (the valid modes are {}).':
        '`{}` 返回了 {}；期望它抛出 ValueError（有效的模式是 {}）。',
    '`{}` returned {}; expected the learned weight as a torch.Tensor.':
        '`{}` 返回了 {}；期望学到的权重是 torch.Tensor。',
    '`{}` should be a function, but it is {}.':
        '`{}` 应该是函数，但它是 {}。',
    '`{}` with X and K requiring grad returned a tensor that does not require grad: the result is cut off from X and K, so backward() cannot reach them.':
        '`{}` 在 X 和 K 需要梯度时返回了不需要梯度的张量：结果与 X 和 K 断开了，因此 backward() 无法到达它们。',
    '`{}`: {} (a forged or garbled reply); this check scores 0.':
        '`{}`：{}（伪造或损坏的回复）；此检查得 0 分。',
    'a mean instead of a sum in the loss':
        '损失函数用了平均值而不是求和',
    'a tensor of shape {} and dtype {}':
        '形状为 {}、dtype 为 {} 的张量',
    'absolute position carries meaning':
        '绝对位置具有意义时',
    'autograd cannot differentiate Python loops':
        '自动求导无法对 Python 循环求导',
    'autograd forbids writing into Y in place':
        '自动求导禁止原地写入 Y',
    "conv2d_full(K, X) must equal conv2d_full(X, K) (and scipy's convolve2d(X, K)): here the first argument is the smaller one. ":
        'conv2d_full(K, X) 必须等于 conv2d_full(X, K)（以及 scipy 的 convolve2d(X, K)）：这里第一个参数是较小的那个。',
    'corr2d of 48x50 white noise (variance {}) with `{}` has variance {}{}; a blur must make it smaller.':
        '48x50 白噪声（方差 {}）与 `{}` 做 corr2d 后方差为 {}{}；模糊必须让它变小。',
    'corr2d of a constant {}x{} image of value {} with `{}` is not {} everywhere (it ranges from {} to {}).':
        '值为 {2} 的 {0}x{1} 常数图像与 `{3}` 做 corr2d 的结果不是处处为 {4}（范围从 {5} 到 {6}）。',
    'corr2d of a {}x{} checkerboard of +1/-1 with `{}` still has amplitude {}{} (max |output|); a blur must shrink it below 1.\nYour kernel:\n{}':
        '{}x{} 的 +1/-1 棋盘格与 `{}` 做 corr2d 后振幅仍为 {}{}（|输出| 的最大值）；模糊必须把它缩小到 1 以下。\n你的卷积核：\n{}',
    'corr2d reads the batch and channel axes as height and width':
        'corr2d 把批量维和通道维当成了高和宽',
    'corr2d takes a 2-D kernel: a 1-D kernel along a row has shape (1, n).':
        'corr2d 接受二维卷积核：沿一行的一维卷积核形状是 (1, n)。',
    'corr2d takes a 2-D kernel; a kernel along a row has shape (1, n).':
        'corr2d 接受二维卷积核；沿一行的卷积核形状是 (1, n)。',
    'edge_response(X) is corr2d(X, EDGE_KERNEL) with EDGE_KERNEL = [[1, -1]]: Y[i, j] = X[i, j] - X[i, j + 1].':
        'edge_response(X) 就是 corr2d(X, EDGE_KERNEL)，其中 EDGE_KERNEL = [[1, -1]]：Y[i, j] = X[i, j] - X[i, j + 1]。',
    'f_xx is the second difference along a row, f_yy along a column; the Laplacian is their sum. Check your kernel on f = x**2 and on f = y**2 (both should give 2) and on f = x*y (0).':
        'f_xx 是沿一行的二阶差分，f_yy 是沿一列的二阶差分；拉普拉斯算子是两者之和。在 f = x**2 和 f = y**2 上检验你的卷积核（都应得到 2），再在 f = x*y 上检验（应得 0）。',
    'float64 parameters meet float32 data':
        'float64 的参数遇到了 float32 的数据',
    'forward(X) for a 2-D X returns corr2d(X, self.weight) + self.bias.':
        '对二维 X，forward(X) 返回 corr2d(X, self.weight) + self.bias。',
    'it did not finish within {} s earlier':
        '它之前已经超时（{} 秒）',
    'it needs more parameters':
        '它需要更多参数',
    'its horizontal flip torch.flip(K, dims=(1,))':
        '它的水平翻转 torch.flip(K, dims=(1,))',
    'its vertical flip torch.flip(K, dims=(0,))':
        '它的垂直翻转 torch.flip(K, dims=(0,))',
    "nn.Conv2d returns an empty (0, 1, H', W') batch for an empty (0, 1, H, W) input, and so must BatchConv2D: torch.stack of an empty list raises, so handle N = 0 on its own (e.g. X.new_zeros(0, 1, H - k_h + 1, W - k_w + 1)), or use an operation that handles it.":
        "对于空的 (0, 1, H, W) 输入，nn.Conv2d 返回空的 (0, 1, H', W') 批量，BatchConv2D 也必须如此：对空列表调用 torch.stack 会抛出异常，所以要单独处理 N = 0（例如 X.new_zeros(0, 1, H - k_h + 1, W - k_w + 1)），或者使用能处理这种情况的运算。",
    'non-zero at every position':
        '处处非零',
    'non-zero only next to the diagonal edge':
        '只在对角线边缘旁边非零',
    'suppress pixel noise and fine detail':
        '抑制像素噪声和细节',
    "the chapter's loop (Conv2D((1, 2)), X of shape (1, 1, 6, 8), Y of shape (1, 1, 6, 7), 10 steps at lr 3e-2)":
        '本节的训练循环（Conv2D((1, 2))，X 的形状为 (1, 1, 6, 8)，Y 的形状为 (1, 1, 6, 7)，以 lr 3e-2 训练 10 步）',
    'the grader could not start a worker: {}':
        '评分程序无法启动工作进程：{}',
    'the image shifted by one pixel':
        '图像平移了一个像素',
    'the output is zero everywhere':
        '输出处处为 0',
    'thin lines and isolated dots':
        '细线和孤立的点',
    'this check (it measures, inside the worker, how your code computes its result)':
        '此检查（它在工作进程内测量你的代码如何计算结果）',
    'torch.eye(n) and torch.ones(n, n) are float32 already; torch.tensor of Python ints, or .int()/.long(), gives integers. Use floats (1.0) or .float().':
        'torch.eye(n) 和 torch.ones(n, n) 本来就是 float32；对 Python 整数调用 torch.tensor，或者 .int()/.long()，会得到整数。请用浮点数（1.0）或 .float()。',
    'torch.tensor([[1, 2]]) makes an int64 tensor; write the weights as floats (1.0) or pass dtype=torch.float32.':
        'torch.tensor([[1, 2]]) 会得到 int64 张量；请把权重写成浮点数（1.0），或传入 dtype=torch.float32。',
    'unfold(X, K.shape) @ K.reshape(-1), reshaped to (out_h, out_w) = (n_h - k_h + 1, n_w - k_w + 1).':
        'unfold(X, K.shape) @ K.reshape(-1)，再 reshape 为 (out_h, out_w) = (n_h - k_h + 1, n_w - k_w + 1)。',
    'unfold(X, K.shape) @ K.reshape(-1), reshaped to (out_h, out_w).':
        'unfold(X, K.shape) @ K.reshape(-1)，再 reshape 为 (out_h, out_w)。',
    'y[t] = sum_a k[a] * x[t + a] for t = 0 .. len(x) - len(k) (no flipping of k).':
        'y[t] = sum_a k[a] * x[t + a]，t = 0 .. len(x) - len(k)（不翻转 k）。',
    '{} `{} = {}` is a valid answer. This self-check does not know the right one: your instructor grades it.':
        '{} `{} = {}` 是一个有效的答案。这个自测不知道正确答案：由你的老师评分。',
    '{} called sys.exit() while being imported; remove that call.':
        '{} 在导入时调用了 sys.exit()，请删掉这个调用。',
    '{} could not be loaded: {}':
        '无法加载 {}：{}',
    '{} did not finish importing within {} s (an endless loop or a long computation at import time?).':
        '{} 没有在 {} 秒内完成导入（导入时有死循环或耗时很长的计算？）。',
    '{} did not finish loading within {} s (an endless loop or a long computation at load time?).':
        '{} 没有在 {} 秒内加载完成（加载时有死循环或耗时很长的计算？）。',
    '{} ended the worker process while being imported (os._exit, a crash, or a memory/CPU/output limit).':
        '{} 在导入时结束了工作进程（os._exit、崩溃，或超出内存/CPU/输出限制）。',
    '{} ended the worker process while loading (os._exit, a crash, or a memory/CPU/output limit).':
        '{} 在加载时结束了工作进程（os._exit、崩溃，或超出内存/CPU/输出限制）。',
    '{} of the 4 modes are right.\n{}':
        '4 种模式中有 {} 种是对的。\n{}',
    '{} raised {} while being imported: {}{}':
        '{} 在导入时抛出 {}：{}{}',
    '{} with X and K requiring grad':
        '{}，X 和 K 需要梯度',
    '{}.py was not submitted.':
        '没有提交 {}.py。',
    '{}: {} while being imported (a forged reply?).':
        '{}：导入时 {}（伪造的回复？）。',
    '{}: {} while loading (a forged reply?).':
        '{}：加载时 {}（伪造的回复？）。',
    '{}{} on your Conv2D ended with {}, which the grader cannot read.':
        '{}{} 在你的 Conv2D 上以 {} 结束，评分程序无法读取它。',
    '{}{} ran without any error on your Conv2D, so there is no error to reproduce.':
        '{}{} 在你的 Conv2D 上运行时没有任何错误，所以没有可以复现的错误。',
    ' (and {} more)':
        '（还有 {} 个）',
    ' [output truncated]':
        ' [输出已截断]',
    '(W @ X.reshape(-1)).reshape{} with W = {}':
        '(W @ X.reshape(-1)).reshape{}，其中 W = {}',
    ', and X[{}, {}] = {} but X[{}, {}] = {} (same i + j).':
        '；而 X[{}, {}] = {}，但 X[{}, {}] = {}（i + j 相同）。',
    'The check failed.':
        '检查未通过。',
    'X.grad after {}.backward(G)':
        '执行 {}.backward(G) 之后的 X.grad',
    'Y[i, j] = (X[i:i + k_h, j:j + k_w] * K).sum() with k_h, k_w = K.shape':
        'Y[i, j] = (X[i:i + k_h, j:j + k_w] * K).sum()，其中 k_h, k_w = K.shape',
    '`{} = {}` ({}) is not right.':
        '`{} = {}`（{}）不对。',
    '`{}((2, 3)).{}` has shape {}; expected {}.':
        '`{}((2, 3)).{}` 的形状是 {}；期望是 {}。',
    '`{}` has dtype {}; expected {}{}.':
        '`{}` 的 dtype 是 {}；期望是 {}{}。',
    '`{}` has negative weights:\n{}':
        '`{}` 有负的权重：\n{}',
    '`{}` has shape {}; expected ({}, {}).':
        '`{}` 的形状是 {}；期望是 ({}, {})。',
    '`{}` has shape {}; expected {}.':
        '`{}` 的形状是 {}；期望是 {}。',
    '`{}` has shape {}; expected {}{}.':
        '`{}` 的形状是 {}；期望是 {}{}。',
    '`{}` raised {}: {}; expected ValueError.':
        '`{}` 抛出 {}：{}；期望的是 ValueError。',
    '`{}` returned something unexpected.':
        '`{}` 返回了意料之外的东西。',
    '`{}` was not run: {}':
        '`{}` 没有运行：{}',
    'all zeros':
        '全为 0',
    'an exception object {}':
        '异常对象 {}',
    'convolutions are slower':
        '卷积更慢',
    'equal to -corr2d(X, K)':
        '等于 -corr2d(X, K)',
    'equal to corr2d(X, K).T':
        '等于 corr2d(X, K).T',
    'find edges':
        '检测边缘',
    'flat regions':
        '平坦区域',
    'its transpose K.T':
        '它的转置 K.T',
    'linear intensity ramps':
        '线性变化的强度斜坡',
    'make edges crisper':
        '让边缘更清晰',
    'no drawback':
        '没有缺点',
    'rotate the image':
        '旋转图像',
    'step edges':
        '阶跃边缘',
    'the class {}':
        '类 {}',
    'the exercise {}':
        '练习 {}',
    'the notebook':
        'notebook',
    'the submission':
        '这份提交',
    'true kernel':
        '真实的卷积核',
    '{} gives {} (expected {})':
        '{} 给出 {}（期望 {}）',
    '{} has a syntax error: {}{}':
        '{} 有语法错误：{}{}',
    '{}.grad after {}.backward(G)':
        '执行 {1}.backward(G) 之后的 {0}.grad',
    '{}: grader error':
        '{}：评分程序错误',
    "`{}` returned\n{}\nbut `{}` returned\n{}\nunder the same random state: with steps=0 the learning rate plays no part, and both must return the layer's initial weight. (Does the loop run once more than `steps`?)":
        '`{}` 返回了\n{}\n但 `{}` 返回了\n{}\n（在相同的随机状态下）：steps=0 时学习率不起作用，两者都必须返回层的初始权重。（循环是不是比 `steps` 多跑了一次？）',
    '`{}` returned\n{}\nexpected\n{}\nthat is, {} gradient-descent step{} of lr {} on ((net(X) - Y) ** 2).sum() (bias held at 0) from the initial weight\n{}\nwhich `{}` returned under the same random state.{}':
        '`{}` 返回了\n{}\n期望\n{}\n即以 lr {2} 对 ((net(X) - Y) ** 2).sum()（偏置固定为 0）做 {0} 步梯度下降，出发点是初始权重\n{}\n它是相同随机状态下 `{}` 返回的值。{}',
    "`{}` returned\n{}\nwhich already fits Y (it is the least-squares kernel). With steps=0 no training happens: it must return the layer's random initial weight.":
        '`{}` 返回了\n{}\n它已经拟合了 Y（这是最小二乘解）。steps=0 时不进行训练：必须返回层的随机初始权重。',
    'Integrity: {} scores 0 because the submission contains code that can reach into the grader: {}{}. None of this is needed for the exercises; remove it. (Instructors: the finding is listed in the report; regrade by hand if it is harmless.)':
        '完整性：{} 得 0 分，因为这份提交含有可能伸进评分程序内部的代码：{}{}。练习完全用不到这些；请删掉它们。（老师：这一发现已列在报告中；如果无害，请手动重新评分。）',
    "a module of the grader's worker":
        '评分程序工作进程的一个模块',
    "a second process can write to the grader's socket":
        '另一个进程可以向评分程序的套接字写数据',
    "a thread keeps running after the grader's call returns":
        '评分程序的调用返回后仍有线程在运行',
    'builds code the grader cannot read':
        '构造评分程序无法读取的代码',
    "cffi can rewrite the worker's memory":
        'cffi 可以改写工作进程的内存',
    'compiles arbitrary code':
        '编译任意代码',
    "copies the worker's file descriptors":
        '复制工作进程的文件描述符',
    "ctypes can rewrite the worker's memory":
        'ctypes 可以改写工作进程的内存',
    "finds the grader's classes":
        '查找评分程序的类',
    'imports modules by computed names':
        '按计算出的名称导入模块',
    "installs a hook that runs inside the grader's own operations":
        '安装在评分程序自身操作中运行的钩子',
    "installs a profiler over the grader's code":
        '在评分程序的代码上安装性能分析器',
    "installs a tracer over the grader's code":
        '在评分程序的代码上安装跟踪器',
    'interactive interpreters run arbitrary code':
        '交互式解释器会运行任意代码',
    "intercepts the grader's torch operations":
        '拦截评分程序的 torch 运算',
    'marshal builds code objects':
        'marshal 会构造代码对象',
    "mmap can map the worker's memory":
        'mmap 可以映射工作进程的内存',
    'nested too deeply for the grader to read':
        '嵌套太深，评分程序无法读取',
    '{} holds a NUL byte (character code 0), which Python cannot read; remove it (save the file again as plain text).':
        '{} 含有 NUL 字节（字符码 0），Python 无法读取；请删除它（以纯文本重新保存文件）。',
    'Integrity scan switched off (GRADER_INTEGRITY_SCAN=off).':
        '完整性扫描已关闭（GRADER_INTEGRITY_SCAN=off）。',
    "reaches a module's attributes by computed names":
        '用运行时拼出的名字访问模块的属性',
    'reaches attributes by computed names':
        '用运行时拼出的名字访问属性',
    'reaches methods by computed names':
        '用运行时拼出的名字调用方法',
    "reads a module's namespace by computed names":
        '用运行时拼出的名字读取模块的命名空间',
    'reads namespaces by computed names':
        '用运行时拼出的名字读取命名空间',
    '`corr2d_matmul(X, K)` computes the matrix product, but what it returns is not that product (only reshaped): '
    'the returned numbers come from somewhere else.':
        '`corr2d_matmul(X, K)` 计算了矩阵乘积，但返回的并不是这个乘积（仅允许改变形状）：返回的数值来自别处。',
    "opens the worker's file descriptors (its socket)":
        '打开工作进程的文件描述符（它的套接字）',
    "reaches the interpreter's builtins":
        '访问解释器的内置对象',
    'reads the closures of functions it did not write':
        '读取不是它自己写的函数的闭包',
    'reads the globals of functions it did not write':
        '读取不是它自己写的函数的全局变量',
    "reads the grader's allocations":
        '读取评分程序分配的对象',
    "reads the grader's builtins":
        '读取评分程序的内置对象',
    "reads the grader's frames":
        '读取评分程序的栈帧',
    "reads the grader's globals":
        '读取评分程序的全局变量',
    "reads the grader's locals":
        '读取评分程序的局部变量',
    "reads the grader's observation of torch operations":
        '读取评分程序对 torch 运算的观察记录',
    "reads the grader's profiler":
        '读取评分程序的性能分析器',
    "reads the grader's tracer":
        '读取评分程序的跟踪器',
    "reads the worker's process or files":
        '读取工作进程的进程信息或文件',
    "replaces the worker's file descriptors":
        '替换工作进程的文件描述符',
    'rewrites code objects':
        '改写代码对象',
    'runs code the grader cannot read':
        '运行评分程序无法读取的代码',
    "signals interrupt the grader's own handlers":
        '信号会打断评分程序自己的处理函数',
    'signals processes':
        '向进程发送信号',
    "starts processes that outlive the grader's call":
        '启动在评分程序的调用结束后仍存活的进程',
    'stops the worker':
        '终止工作进程',
    "switches off the grader's observation of torch operations":
        '关闭评分程序对 torch 运算的观察',
    "sys.modules holds the grader's worker modules":
        'sys.modules 里有评分程序工作进程的模块',
    "the garbage collector can hand out the grader's own objects":
        '垃圾回收器可以交出评分程序自己的对象',
    "the worker's main module is the grader's":
        '工作进程的主模块属于评分程序',
    "the worker's socket carries its answers to the grader":
        '工作进程的套接字负责把答案传给评分程序',
    "torch's C internals, below what the grader observes":
        'torch 的 C 内部实现，在评分程序的观察范围之下',
    'types builds code and function objects':
        'types 会构造代码对象和函数对象',
    "unpickling can run arbitrary code in the grader's objects":
        '反序列化（unpickle）可以在评分程序的对象中运行任意代码',
    "walks the grader's stack frames":
        '遍历评分程序的栈帧',
    "writes raw bytes to the worker's file descriptors (its socket)":
        '向工作进程的文件描述符（它的套接字）写入原始字节',
    "writes to the worker's file descriptors":
        '向工作进程的文件描述符写数据',
}

# Code or developer-facing text found by the same search: nothing to translate.
NOT_PROSE = {
    'from os import {}',
    'from sys import modules',
    'from {} import ...',
    'from {} import {}',
    '{}(<file descriptor or computed path>)',
    '{}(..., <computed name>)',
    '{}({}, <computed name>)',
    '\nYour code printed:\n',
    'corr2d(X.T, K) == -corr2d(X, K)',
    'corr2d(X.T, K) == corr2d(X, K).T',
    'corr2d(X.T, K) == corr2d(X, K.T).T',
    'corr2d(X.T, K.T) == corr2d(X, K)',
    'corr2d_same(X, K)',
    'corr2d_same(X, K, mode="{}")',
    'kernel_matrix(K, (4, 5))',
    'kernel_matrix(K, {})',
    'transposed_image_response(X, K)',
    'transposed_kernel_response(X, K)',
    'corr2d_same(X, K, mode="constant")',
    'grader/checks/{}.py: {} asks for unknown fixtures {}',
    'grader/checks/{}.py: {} has no @points(n) with n > 0',
    'pixelwise_linear(X, weight, bias)',
}
