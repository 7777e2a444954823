"""Benchmark models built with onnx.helper (opset 17, fp32): ResNet-50 v1.5,
MobileNetV2, BERT-base and GPT-2 small, plus single-MatMul GEMM models.

The graphs follow what torch.onnx.export produces for the torchvision and
Hugging Face models in eval mode (BatchNormalization kept, exact and tanh
GELU spelled out, additive attention masks), with static shapes. Weights come
from numpy's default_rng(seed), scaled so activations stay O(1): He init for
convolutions, std 0.02 for transformer weights, BatchNormalization with
positive variances and small means. Every call with the same arguments builds
the same model; VERSION names the generator so cached files can be reused.
"""

import math

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
# Bump when a builder changes so cached .onnx files are rebuilt.
VERSION = "1"


class Graph:
    """Collects nodes and initializers; names values with a counter."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes = []
        self.inits = []
        self.count = 0
        self.consts = {}

    def fresh(self, hint):
        self.count += 1
        return f"{hint}_{self.count}"

    def init(self, name, array):
        self.inits.append(numpy_helper.from_array(array, name))
        return name

    def normal(self, name, shape, std):
        return self.init(
            name, (self.rng.standard_normal(shape) * std).astype(np.float32))

    def const(self, value, dtype=np.float32):
        """A shared scalar or small constant initializer."""
        array = np.asarray(value, dtype=dtype)
        key = (array.dtype.str, array.shape, array.tobytes())
        if key not in self.consts:
            self.consts[key] = self.init(self.fresh("const"), array)
        return self.consts[key]

    def op(self, op_type, inputs, hint=None, outputs=1, **attrs):
        names = [self.fresh(hint or op_type.lower()) for _ in range(outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, names,
                                           name=names[0] + "_node", **attrs))
        return names if outputs > 1 else names[0]

    def model(self, name, inputs, outputs):
        graph = helper.make_graph(self.nodes, name, inputs, outputs,
                                  self.inits)
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", OPSET)],
            producer_name="dlc-bench", producer_version=VERSION)
        model.ir_version = 8
        onnx.checker.check_model(model)
        return model


# ----------------------------------------------------------------------------
# CNNs


def _conv(g, x, cin, cout, kernel, stride=1, group=1, hint="conv"):
    # He (fan-in) init as for a ReLU network; torchvision convs have no bias
    # when a BatchNormalization follows.
    fan_in = cin // group * kernel * kernel
    w = g.normal(g.fresh(hint + "_w"), (cout, cin // group, kernel, kernel),
                 math.sqrt(2.0 / fan_in))
    pad = kernel // 2
    return g.op("Conv", [x, w], hint, kernel_shape=[kernel, kernel],
                strides=[stride, stride], pads=[pad] * 4, group=group,
                dilations=[1, 1])


def _bn(g, x, channels, gamma=1.0, hint="bn"):
    """Eval-mode BatchNormalization with plausible running statistics: the
    variance near the He-init conv output variance, a small mean."""
    rng = g.rng
    scale = g.init(g.fresh(hint + "_scale"),
                   (gamma * rng.uniform(0.8, 1.2, channels)).astype(np.float32))
    bias = g.init(g.fresh(hint + "_bias"),
                  (rng.standard_normal(channels) * 0.05).astype(np.float32))
    mean = g.init(g.fresh(hint + "_mean"),
                  (rng.standard_normal(channels) * 0.1).astype(np.float32))
    var = g.init(g.fresh(hint + "_var"),
                 rng.uniform(0.8, 2.0, channels).astype(np.float32))
    return g.op("BatchNormalization", [x, scale, bias, mean, var], hint,
                epsilon=1e-5, momentum=0.9)


def _classifier(g, x, channels, classes):
    pooled = g.op("GlobalAveragePool", [x], "gap")
    flat = g.op("Flatten", [pooled], "flatten", axis=1)
    w = g.normal("fc_w", (classes, channels), 1.0 / math.sqrt(channels))
    b = g.normal("fc_b", (classes,), 0.01)
    return g.op("Gemm", [flat, w, b], "fc", alpha=1.0, beta=1.0, transB=1)


def _image_model(g, name, size, classes):
    # Gemm's output is renamed to the graph output "logits".
    g.nodes[-1].output[0] = "logits"
    return g.model(
        name,
        [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                       [1, 3, size, size])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                       [1, classes])])


def resnet50(blocks=(3, 4, 6, 3), size=224, width=64, classes=1000, seed=50):
    """torchvision ResNet-50 v1.5: the stride of a downsampling bottleneck is
    on its 3x3 conv."""
    g = Graph(seed)
    x = _conv(g, "input", 3, width, 7, stride=2, hint="conv1")
    x = _bn(g, x, width, hint="bn1")
    x = g.op("Relu", [x])
    x = g.op("MaxPool", [x], "maxpool", kernel_shape=[3, 3], strides=[2, 2],
             pads=[1, 1, 1, 1])
    cin = width
    for stage, count in enumerate(blocks):
        planes = width * 2**stage
        cout = planes * 4
        for block in range(count):
            stride = 2 if stage > 0 and block == 0 else 1
            h = f"layer{stage + 1}.{block}"
            y = _conv(g, x, cin, planes, 1, hint=h + ".conv1")
            y = g.op("Relu", [_bn(g, y, planes, hint=h + ".bn1")])
            y = _conv(g, y, planes, planes, 3, stride=stride, hint=h + ".conv2")
            y = g.op("Relu", [_bn(g, y, planes, hint=h + ".bn2")])
            y = _conv(g, y, planes, cout, 1, hint=h + ".conv3")
            # A small last gamma keeps the residual stream from growing
            # block after block (as zero_init_residual training tends to).
            y = _bn(g, y, cout, gamma=0.3, hint=h + ".bn3")
            identity = x
            if block == 0:
                identity = _conv(g, x, cin, cout, 1, stride=stride,
                                 hint=h + ".downsample.0")
                identity = _bn(g, identity, cout, hint=h + ".downsample.1")
            x = g.op("Relu", [g.op("Add", [y, identity])])
            cin = cout
    _classifier(g, x, cin, classes)
    return _image_model(g, "resnet50", size, classes)


def _divisible(value, divisor=8):
    new = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return new + divisor if new < 0.9 * value else new


MOBILENET_V2 = [  # expansion t, channels c, repeats n, stride s
    (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
    (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]


def mobilenetv2(size=224, width_mult=1.0, max_repeats=None, classes=1000,
                seed=2):
    """torchvision MobileNetV2: Conv-BN-ReLU6 (Clip 0..6) stem, inverted
    residuals with depthwise 3x3 convs, linear bottlenecks, a final 1x1 conv
    to 1280 channels and a classifier (Dropout vanishes in eval mode)."""
    g = Graph(seed)
    zero, six = g.const(0.0), g.const(6.0)

    def conv_bn(x, cin, cout, kernel, stride=1, group=1, act=True, hint="c"):
        y = _bn(g, _conv(g, x, cin, cout, kernel, stride, group, hint),
                cout, gamma=1.0 if act else 0.5, hint=hint + "_bn")
        return g.op("Clip", [y, zero, six], "relu6") if act else y

    cin = _divisible(32 * width_mult)
    x = conv_bn("input", 3, cin, 3, stride=2, hint="features.0")
    index = 1
    for t, c, n, s in MOBILENET_V2:
        cout = _divisible(c * width_mult)
        for i in range(min(n, max_repeats or n)):
            stride = s if i == 0 else 1
            hidden = cin * t
            h = f"features.{index}"
            y = x
            if t != 1:
                y = conv_bn(y, cin, hidden, 1, hint=h + ".expand")
            y = conv_bn(y, hidden, hidden, 3, stride, group=hidden,
                        hint=h + ".dw")
            y = conv_bn(y, hidden, cout, 1, act=False, hint=h + ".project")
            x = g.op("Add", [x, y]) if stride == 1 and cin == cout else y
            cin = cout
            index += 1
    last = _divisible(1280 * max(1.0, width_mult))
    x = conv_bn(x, cin, last, 1, hint=f"features.{index}")
    _classifier(g, x, last, classes)
    return _image_model(g, "mobilenetv2", size, classes)


# ----------------------------------------------------------------------------
# Transformers


def _linear(g, x, cin, cout, hint, std=0.02):
    w = g.normal(hint + ".weight", (cin, cout), std)
    b = g.normal(hint + ".bias", (cout,), std)
    return g.op("Add", [g.op("MatMul", [x, w], hint), b], hint + "_bias")


def _layer_norm(g, x, dim, eps, hint):
    gamma = g.init(hint + ".weight", (1.0 + g.rng.standard_normal(dim) * 0.05)
                   .astype(np.float32))
    beta = g.normal(hint + ".bias", (dim,), 0.02)
    return g.op("LayerNormalization", [x, gamma, beta], hint, axis=-1,
                epsilon=eps)


def _heads(g, x, seq, heads, head_dim, perm):
    shape = g.const([1, seq, heads, head_dim], np.int64)
    return g.op("Transpose", [g.op("Reshape", [x, shape])], perm=perm)


def _merge_heads(g, x, seq, hidden):
    x = g.op("Transpose", [x], perm=[0, 2, 1, 3])
    return g.op("Reshape", [x, g.const([1, seq, hidden], np.int64)])


def _attention_scores(g, q, k, head_dim):
    scores = g.op("MatMul", [q, k], "scores")
    return g.op("Div", [scores, g.const(math.sqrt(head_dim))])


def bert(layers=12, hidden=768, heads=12, ffn=3072, vocab=30522, seq=128,
         max_positions=512, seed=3):
    """BERT-base encoder as exported from Hugging Face BertModel
    (last_hidden_state, no pooler), with the additive attention mask
    (1 - mask) * -10000."""
    g = Graph(seed)
    head_dim = hidden // heads
    word = g.normal("embeddings.word_embeddings.weight", (vocab, hidden), 0.02)
    pos = g.normal("embeddings.position_embeddings.weight",
                   (max_positions, hidden), 0.02)
    tok = g.normal("embeddings.token_type_embeddings.weight", (2, hidden), 0.02)
    pos_ids = g.init("position_ids", np.arange(seq, dtype=np.int64)[None])
    type_ids = g.init("token_type_ids", np.zeros((1, seq), np.int64))
    x = g.op("Add", [g.op("Gather", [word, "input_ids"], axis=0),
                     g.op("Gather", [tok, type_ids], axis=0)])
    x = g.op("Add", [x, g.op("Gather", [pos, pos_ids], axis=0)])
    x = _layer_norm(g, x, hidden, 1e-12, "embeddings.LayerNorm")

    mask = g.op("Unsqueeze", ["attention_mask", g.const([1, 2], np.int64)])
    mask = g.op("Cast", [mask], to=TensorProto.FLOAT)
    mask = g.op("Sub", [g.const(1.0), mask])
    mask = g.op("Mul", [mask, g.const(-10000.0)], "extended_mask")

    for layer in range(layers):
        h = f"encoder.layer.{layer}"
        q = _heads(g, _linear(g, x, hidden, hidden, h + ".attention.query"),
                   seq, heads, head_dim, [0, 2, 1, 3])
        k = _heads(g, _linear(g, x, hidden, hidden, h + ".attention.key"),
                   seq, heads, head_dim, [0, 2, 3, 1])
        v = _heads(g, _linear(g, x, hidden, hidden, h + ".attention.value"),
                   seq, heads, head_dim, [0, 2, 1, 3])
        scores = g.op("Add", [_attention_scores(g, q, k, head_dim), mask])
        probs = g.op("Softmax", [scores], axis=-1)
        ctx = _merge_heads(g, g.op("MatMul", [probs, v]), seq, hidden)
        attn = _linear(g, ctx, hidden, hidden, h + ".attention.output.dense")
        x = _layer_norm(g, g.op("Add", [attn, x]), hidden, 1e-12,
                        h + ".attention.output.LayerNorm")
        y = _linear(g, x, hidden, ffn, h + ".intermediate.dense")
        # Exact GELU as exported: x * 0.5 * (1 + erf(x / sqrt(2))).
        erf = g.op("Erf", [g.op("Div", [y, g.const(math.sqrt(2.0))])])
        y = g.op("Mul", [g.op("Mul", [y, g.op("Add", [erf, g.const(1.0)])]),
                         g.const(0.5)], "gelu")
        y = _linear(g, y, ffn, hidden, h + ".output.dense")
        x = _layer_norm(g, g.op("Add", [y, x]), hidden, 1e-12,
                        h + ".output.LayerNorm")
    g.nodes[-1].output[0] = "last_hidden_state"
    return g.model("bert", [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, seq]),
        helper.make_tensor_value_info("attention_mask", TensorProto.INT64,
                                      [1, seq])], [
        helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT,
                                      [1, seq, hidden])])


def gpt2(layers=12, hidden=768, heads=12, vocab=50257, ctx=1024, seq=128,
         seed=4):
    """GPT-2 small prefill as exported from Hugging Face GPT2LMHeadModel
    without a KV cache: pre-LN blocks, fused QKV projection split in three,
    causal mask applied with Where(mask, scores, finfo(float32).min), tanh
    GELU (NewGELU with Pow) and the LM head tied to wte."""
    g = Graph(seed)
    head_dim = hidden // heads
    wte = g.normal("transformer.wte.weight", (vocab, hidden), 0.02)
    wpe = g.normal("transformer.wpe.weight", (ctx, hidden), 0.01)
    pos_ids = g.init("position_ids", np.arange(seq, dtype=np.int64)[None])
    x = g.op("Add", [g.op("Gather", [wte, "input_ids"], axis=0),
                     g.op("Gather", [wpe, pos_ids], axis=0)])
    causal = g.init("causal_mask",
                    np.tril(np.ones((seq, seq), bool))[None, None])
    min_value = g.const(np.finfo(np.float32).min)
    split = g.const([hidden] * 3, np.int64)
    for layer in range(layers):
        h = f"transformer.h.{layer}"
        y = _layer_norm(g, x, hidden, 1e-5, h + ".ln_1")
        qkv = _linear(g, y, hidden, 3 * hidden, h + ".attn.c_attn")
        q, k, v = g.op("Split", [qkv, split], "split", outputs=3, axis=2)
        q = _heads(g, q, seq, heads, head_dim, [0, 2, 1, 3])
        k = _heads(g, k, seq, heads, head_dim, [0, 2, 3, 1])
        v = _heads(g, v, seq, heads, head_dim, [0, 2, 1, 3])
        scores = _attention_scores(g, q, k, head_dim)
        scores = g.op("Where", [causal, scores, min_value], "masked")
        probs = g.op("Softmax", [scores], axis=-1)
        att = _merge_heads(g, g.op("MatMul", [probs, v]), seq, hidden)
        att = _linear(g, att, hidden, hidden, h + ".attn.c_proj")
        x = g.op("Add", [x, att])
        y = _layer_norm(g, x, hidden, 1e-5, h + ".ln_2")
        y = _linear(g, y, hidden, 4 * hidden, h + ".mlp.c_fc")
        # NewGELU: 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3))).
        cube = g.op("Pow", [y, g.const(3.0)])
        inner = g.op("Add", [y, g.op("Mul", [cube, g.const(0.044715)])])
        inner = g.op("Mul", [inner, g.const(math.sqrt(2.0 / math.pi))])
        t = g.op("Add", [g.op("Tanh", [inner]), g.const(1.0)])
        y = g.op("Mul", [g.op("Mul", [y, g.const(0.5)]), t], "gelu")
        y = _linear(g, y, 4 * hidden, hidden, h + ".mlp.c_proj")
        x = g.op("Add", [x, y])
    x = _layer_norm(g, x, hidden, 1e-5, "transformer.ln_f")
    head = g.op("Transpose", [wte], "lm_head_weight", perm=[1, 0])
    g.op("MatMul", [x, head], "lm_head")
    g.nodes[-1].output[0] = "logits"
    return g.model("gpt2", [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64,
                                      [1, seq])], [
        helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                      [1, seq, vocab])])


def gemm(m, n, k, seed=5):
    """MatMul of an input A [M, K] by a constant B [K, N]."""
    g = Graph(seed)
    b = g.normal("B", (k, n), 1.0 / math.sqrt(k))
    g.nodes.append(helper.make_node("MatMul", ["A", b], ["C"], name="gemm"))
    return g.model(f"gemm_{m}x{n}x{k}", [
        helper.make_tensor_value_info("A", TensorProto.FLOAT, [m, k])], [
        helper.make_tensor_value_info("C", TensorProto.FLOAT, [m, n])])


# ----------------------------------------------------------------------------
# The benchmark set: full-size models and tiny variants for --quick.

MODELS = {
    "resnet50": (resnet50, {}),
    "mobilenetv2": (mobilenetv2, {}),
    "bert": (bert, {}),
    "gpt2": (gpt2, {}),
}

QUICK = {
    "resnet50": (resnet50, dict(blocks=(1, 1, 1, 1), size=32, width=16)),
    "mobilenetv2": (mobilenetv2, dict(size=32, width_mult=0.25,
                                      max_repeats=1)),
    "bert": (bert, dict(layers=1, hidden=64, heads=4, ffn=256, vocab=1000,
                        seq=16, max_positions=64)),
    "gpt2": (gpt2, dict(layers=1, hidden=64, heads=4, vocab=1000, ctx=64,
                        seq=16)),
}

# GEMM shapes (M, N, K) with where they come from.
GEMMS = [
    (128, 768, 768, "BERT/GPT-2 attention projection"),
    (128, 3072, 768, "BERT/GPT-2 FFN up"),
    (128, 768, 3072, "BERT/GPT-2 FFN down"),
    (128, 2304, 768, "GPT-2 fused QKV"),
    (128, 50257, 768, "GPT-2 LM head"),
    (256, 3136, 64, "ResNet-50 layer1 1x1 expand (Cout x HW x Cin)"),
    (512, 784, 128, "ResNet-50 layer2 1x1 expand"),
    (256, 196, 1024, "ResNet-50 layer3 1x1 reduce"),
    (1024, 1024, 1024, "square"),
    (4096, 4096, 1024, "large"),
]

QUICK_GEMMS = [(64, 96, 48, "tiny"), (128, 128, 128, "small square")]


def inputs(name, model, seed=0):
    """Deterministic inputs: token ids in range, an attention mask with the
    last positions padded, normal images."""
    rng = np.random.default_rng(seed)
    feeds = {}
    for value in model.graph.input:
        shape = [d.dim_value for d in value.type.tensor_type.shape.dim]
        if value.name == "input_ids":
            vocab = next(i.dims[0] for i in model.graph.initializer
                         if i.name.endswith("wte.weight")
                         or i.name.endswith("word_embeddings.weight"))
            feeds[value.name] = rng.integers(0, vocab, shape, dtype=np.int64)
        elif value.name == "attention_mask":
            mask = np.ones(shape, np.int64)
            mask[..., -max(1, shape[-1] // 16):] = 0
            feeds[value.name] = mask
        else:
            feeds[value.name] = rng.standard_normal(shape).astype(np.float32)
    return feeds
