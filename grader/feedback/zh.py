"""Chinese check titles, keyed "module.function" (tests/test_feedback.py asserts every check has one).

When you add a check in grader/checks/, add its title here; the English title is its docstring.
"""

EXERCISES_EN = {
    "cross_correlation": "2-D cross-correlation corr2d",
    "diagonal_edges": "Diagonal edges (exercise 1)",
    "transpose_effect": "Transposing the image or the kernel (exercises 1.2-1.3)",
    "conv2d_autograd": "Autograd through Conv2D (exercise 3)",
    "correlation_as_matmul": "Cross-correlation as a matrix product (exercise 4)",
    "second_derivative": "Second derivative and Laplacian kernels (exercise 2.2)",
    "blur_kernel": "A blur kernel (exercise 2.3)",
    "derivative_kernels": "Derivative and integral kernels (exercise 2.4)",
    "directional_edges": "Edges in any direction (exercise 2.1)",
    "fc_to_conv": "From fully connected layers to convolutions (section 6.1)",
}

EXERCISES = {
    "cross_correlation": "二维互相关 corr2d",
    "diagonal_edges": "对角线边缘（练习 1.1）",
    "transpose_effect": "转置图像或卷积核（练习 1.2-1.3）",
    "conv2d_autograd": "Conv2D 的自动求导（练习 2）",
    "correlation_as_matmul": "把互相关写成矩阵乘法（练习 3）",
    "second_derivative": "二阶导数与拉普拉斯卷积核（练习 4.1）",
    "blur_kernel": "模糊卷积核（英文版练习 2.3）",
    "derivative_kernels": "导数与积分卷积核（练习 4.2-4.3）",
    "directional_edges": "任意方向的边缘（英文版练习 2.1）",
    "fc_to_conv": "从全连接层到卷积（6.1 节）",
}

TITLES = {
    # cross_correlation
    "cross_correlation.test_book_examples":
        "corr2d 能复现本节的例子（19、25、37、43 以及 6x8 的边缘图像）",
    "cross_correlation.test_random_non_square":
        "在随机的非方形图像和 k_h != k_w 的卷积核上，corr2d 与 scipy.signal.correlate2d 一致",
    "cross_correlation.test_uses_its_kernel_argument":
        "corr2d 使用传入的卷积核参数：两个不同的卷积核给出两个不同且正确的结果",
    "cross_correlation.test_float64_kept":
        "corr2d 能处理 float64 的图像和卷积核（结果为浮点张量，在其精度内正确）",
    "cross_correlation.test_property_any_shape":
        "从 1x1 卷积核到与图像一样大的卷积核，corr2d 在各种形状上都与 scipy 一致（基于性质的测试）",
    "cross_correlation.test_gradients":
        "梯度能传到 X 和 K，并且与 torch.nn.functional.conv2d 的梯度相同",
    # diagonal_edges
    "diagonal_edges.test_default_image":
        "diagonal_image() 是带对角线边缘的 8x8 浮点图像（值只取决于 i - j 或 i + j）",
    "diagonal_edges.test_other_sizes":
        "diagonal_image(n) 对其他尺寸 n 也成立，最小到 n = 2",
    "diagonal_edges.test_response_on_known_images":
        "edge_response 在 6x8 双边缘图像和对角线图像上给出与本节相同的结果",
    "diagonal_edges.test_response_on_random_images":
        "在随机的非方形图像上，edge_response 等于 corr2d(X, [[1, -1]])",
    "diagonal_edges.test_apply_k":
        "APPLY_K：[1, -1] 对对角线边缘有什么作用",
    # transpose_effect
    "transpose_effect.test_transposed_image_response":
        "在非方形、非对称的图像上，transposed_image_response(X, K) 等于 corr2d(X.T, K)",
    "transpose_effect.test_transposed_kernel_response":
        "在非方形的图像和卷积核上，transposed_kernel_response(X, K) 等于 corr2d(X, K.T)",
    "transpose_effect.test_via_transposed_kernel_values":
        "via_transposed_kernel(X, K) 的形状和数值与 corr2d(X.T, K) 相同",
    "transpose_effect.test_via_transposed_kernel_keeps_x":
        "via_transposed_kernel 不转置 X（它转置卷积核和输出）",
    "transpose_effect.test_transpose_x_choice":
        "TRANSPOSE_X：X = torch.eye(8)、K = [[1, -1]] 时，corr2d(X.T, K) 与 corr2d(X, K) 相比如何",
    "transpose_effect.test_transpose_k_choice":
        "TRANSPOSE_K：X = torch.eye(8)、K = [[1, -1]] 时，corr2d(X, K.T) 与 corr2d(X, K) 相比如何",
    "transpose_effect.test_identity_choice":
        "IDENTITY：对所有 X 和 K 都成立的等式",
    # conv2d_autograd
    "conv2d_autograd.test_conv2d_parameters":
        "Conv2D((2, 3)) 是一个 nn.Module，weight 形状为 (2, 3) 且随机初始化，bias 形状为 (1,) 且为 0",
    "conv2d_autograd.test_conv2d_forward":
        "Conv2D 在二维图像上的 forward 等于 corr2d(X, weight) + bias，并且 weight 和 bias 有梯度",
    "conv2d_autograd.test_reproduce_error":
        "reproduce_error() 返回本节的四维训练循环在你的 Conv2D 上抛出的异常",
    "conv2d_autograd.test_error_cause":
        "ERROR_CAUSE：本节的训练循环为什么在手写的 Conv2D 上失败",
    "conv2d_autograd.test_batch_conv2d_on_2d":
        "BatchConv2D 具有 Conv2D 的参数，在二维图像上给出 corr2d(X, weight) + bias",
    "conv2d_autograd.test_batch_conv2d_on_batch":
        "BatchConv2D 在 N > 1 的批量 (N, 1, H, W) 上给出等于 F.conv2d 的 (N, 1, H', W')",
    "conv2d_autograd.test_batch_conv2d_gradients":
        "在批量输入上，BatchConv2D 对 weight、bias 和输入的梯度与 F.conv2d 的相同",
    "conv2d_autograd.test_learn_kernel_book":
        "learn_kernel 使用默认参数在本节的 6x8 图像上学到的卷积核与 [[1, -1]] 相差不超过 0.15",
    "conv2d_autograd.test_learn_kernel_recovers_random_kernel":
        "给定合适的学习率和步数，learn_kernel 能从随机图像中恢复随机的 2x3 卷积核",
    # correlation_as_matmul
    "correlation_as_matmul.test_unfold_random":
        "在非方形的图像和卷积核上，unfold(X, kernel_shape) 按行优先列出每个窗口",
    "correlation_as_matmul.test_unfold_float64_and_edge_shapes":
        "unfold 能处理 float64 图像，并能处理 1x1 窗口和与图像一样大的窗口",
    "correlation_as_matmul.test_corr2d_matmul_book":
        "corr2d_matmul 给出本节的 19、25、37、43",
    "correlation_as_matmul.test_corr2d_matmul_is_a_matrix_product":
        "corr2d_matmul 用一次矩阵乘法算出结果（而不是用 corr2d 或某个卷积函数）",
    "correlation_as_matmul.test_corr2d_matmul_random":
        "在 float32 和 float64 的非方形输入上，corr2d_matmul 等于 scipy.signal.correlate2d",
    "correlation_as_matmul.test_kernel_matrix_entries":
        "kernel_matrix(K, input_shape) 恰好在各窗口对应的位置放上 K 的元素，其余为 0",
    "correlation_as_matmul.test_kernel_matrix_float64":
        "kernel_matrix 能处理 float64 的卷积核",
    "correlation_as_matmul.test_kernel_matrix_applies_corr2d":
        "对每种形状，(W @ X.reshape(-1)).reshape(out_h, out_w) 都等于 corr2d(X, K)（基于性质的测试）",
    # blur_kernel
    "blur_kernel.test_shape":
        "blur_kernel(size) 对尺寸 3、5 和默认值返回 (size, size) 的浮点张量",
    "blur_kernel.test_is_an_average":
        "blur_kernel 的权重非负且和为 1，因此常数图像保持不变",
    "blur_kernel.test_symmetric":
        "blur_kernel 等于它的转置以及它的水平翻转和垂直翻转",
    "blur_kernel.test_checkerboard_shrinks":
        "blur_kernel 减小棋盘格（图像所能有的最细细节）的幅度",
    "blur_kernel.test_noise_variance_shrinks":
        "blur_kernel 减小白噪声的方差",
    "blur_kernel.test_why_blur":
        "WHY_BLUR：模糊的用途",
    # derivative_kernels
    "derivative_kernels.test_first_derivative":
        "derivative_kernel(1) 在随机直线上给出 f'（而不是 -f'）",
    "derivative_kernels.test_higher_derivatives":
        "对 d = 2..5，derivative_kernel(d) 在次数 <= d 的随机多项式上精确给出 f^(d)",
    "derivative_kernels.test_min_kernel_size":
        "对若干 d，min_kernel_size(d) 是求 d 阶导数所需的最少抽头数",
    "derivative_kernels.test_integral_kernel":
        "对若干 n，integral_kernel(n) 对窗口下的 n 个样本求和",
    # directional_edges
    "directional_edges.test_axis_aligned_directions":
        "v 沿坐标轴时，directional_edge_kernel(v) 对每个斜坡 a*j + b*i + c 的响应为 s * (v_x*a + v_y*b)，s > 0",
    "directional_edges.test_oblique_directions":
        "v 为任意符号和长度的斜向量时，directional_edge_kernel(v) 对每个斜坡的响应为 s * (v_x*a + v_y*b)，s > 0",
    "directional_edges.test_blind_across":
        "在强度沿 (v_y, -v_x) 变化的斜坡上，directional_edge_kernel(v) 的响应为 0",
    # fc_to_conv
    "fc_to_conv.test_pixelwise_linear":
        "在随机的非方形输入上，pixelwise_linear(X, weight, bias) 等于 1x1 卷积（F.conv2d）",
    "fc_to_conv.test_corr1d":
        "对随机长度，corr1d(x, k) 等于 scipy.signal.correlate(x, k, mode=\"valid\")",
    "fc_to_conv.test_corr2d_same_zeros":
        "corr2d_same(X, K) 保持 X 的形状，默认以及 mode=\"constant\" 时用 0 填充",
    "fc_to_conv.test_corr2d_same_modes":
        "对 \"edge\"、\"reflect\"、\"symmetric\"、\"wrap\"，corr2d_same(X, K, mode) 与 numpy.pad + correlate2d 一致",
    "fc_to_conv.test_corr2d_same_unknown_mode":
        "mode 不属于 numpy.pad 的五种模式时，corr2d_same 抛出 ValueError",
    "fc_to_conv.test_conv2d_full":
        "在随机的非方形输入上，conv2d_full(X, K) 等于 scipy.signal.convolve2d(X, K, mode=\"full\")",
    "fc_to_conv.test_conv2d_full_commutes":
        "conv2d_full(K, X) 等于 conv2d_full(X, K)：卷积满足交换律",
    "fc_to_conv.test_receptive_field":
        "receptive_field(kernel_sizes) 是一个输出能看到的边长，对本书的 [2, 2] 和随机的层叠都成立",
    "fc_to_conv.test_translation_drawback":
        "TRANSLATION_DRAWBACK：平移不变性在什么时候有害",
    # second_derivative
    "second_derivative.test_second_derivative_exact_on_quadratics":
        "second_derivative_kernel() 在次数 <= 2 的随机多项式上精确给出 f''",
    "second_derivative.test_laplacian_exact_on_quadratics":
        "laplacian_kernel() 在随机二次函数 f(x, y) 上精确给出 f_xx + f_yy（x 为列，y 为行）",
    "second_derivative.test_min_size":
        "MIN_SIZE 是一维二阶导数卷积核的最少抽头数",
    "second_derivative.test_strongest":
        "STRONGEST：哪种结构的二阶导数响应最强",
}
