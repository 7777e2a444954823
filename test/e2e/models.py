"""ONNX test models built with onnx.helper: an MLP, a CNN and a transformer
encoder block. Weights come from a seeded generator, so every build makes the
same models.
"""

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def _init(rng, name, shape, scale=0.1):
    return numpy_helper.from_array(
        (rng.standard_normal(shape) * scale).astype(np.float32), name)


def _model(nodes, inputs, outputs, inits, name, opset=OPSET):
    graph = helper.make_graph(nodes, name, inputs, outputs, inits)
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)],
        producer_name="dlc-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def mlp(batch=4, features=32, hidden=64, classes=10, seed=0):
    rng = np.random.default_rng(seed)
    inits = [_init(rng, "w1", (features, hidden)), _init(rng, "b1", (hidden,)),
             _init(rng, "w2", (classes, hidden)), _init(rng, "b2", (classes,))]
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h0"], name="fc1"),
        helper.make_node("Add", ["h0", "b1"], ["h1"], name="fc1_bias"),
        helper.make_node("Relu", ["h1"], ["h2"], name="relu1"),
        helper.make_node("Gemm", ["h2", "w2", "b2"], ["logits"], name="fc2",
                         transB=1),
        helper.make_node("Softmax", ["logits"], ["probs"], name="softmax",
                         axis=-1),
    ]
    return _model(nodes,
                  [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                 [batch, features])],
                  [helper.make_tensor_value_info("probs", TensorProto.FLOAT,
                                                 [batch, classes])],
                  inits, "mlp")


def cnn(batch=2, channels=3, size=32, seed=1):
    """Conv/BatchNorm/Relu blocks, a grouped conv, max and average pooling,
    global average pooling, flatten and a classifier."""
    rng = np.random.default_rng(seed)
    inits = [
        _init(rng, "c1_w", (16, channels, 3, 3)), _init(rng, "c1_b", (16,)),
        numpy_helper.from_array(rng.uniform(0.5, 1.5, 16).astype(np.float32), "bn_s"),
        _init(rng, "bn_b", (16,)), _init(rng, "bn_m", (16,)),
        numpy_helper.from_array(rng.uniform(0.5, 1.5, 16).astype(np.float32), "bn_v"),
        _init(rng, "c2_w", (32, 4, 3, 3)),
        _init(rng, "c3_w", (32, 32, 1, 1)), _init(rng, "c3_b", (32,)),
        _init(rng, "fc_w", (32, 10)), _init(rng, "fc_b", (10,)),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "c1_w", "c1_b"], ["c1"], name="conv1",
                         pads=[1, 1, 1, 1], strides=[1, 1]),
        helper.make_node("BatchNormalization",
                         ["c1", "bn_s", "bn_b", "bn_m", "bn_v"], ["bn"],
                         name="bn1", epsilon=1e-5),
        helper.make_node("Relu", ["bn"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1",
                         kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "c2_w"], ["c2"], name="conv2_grouped",
                         group=4, pads=[1, 1, 1, 1], strides=[2, 2],
                         dilations=[1, 1]),
        helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
        helper.make_node("AveragePool", ["r2"], ["p2"], name="pool2",
                         kernel_shape=[3, 3], strides=[1, 1],
                         pads=[1, 1, 1, 1], count_include_pad=0),
        helper.make_node("Conv", ["p2", "c3_w", "c3_b"], ["c3"], name="conv3"),
        helper.make_node("LeakyRelu", ["c3"], ["r3"], name="lrelu", alpha=0.1),
        helper.make_node("GlobalAveragePool", ["r3"], ["g"], name="gap"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten", axis=1),
        helper.make_node("Gemm", ["f", "fc_w", "fc_b"], ["logits"], name="fc"),
    ]
    return _model(nodes,
                  [helper.make_tensor_value_info(
                      "x", TensorProto.FLOAT, [batch, channels, size, size])],
                  [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                                 [batch, 10])],
                  inits, "cnn")


def transformer_block(batch=2, seq=16, dim=64, heads=4, ffn=128, seed=2):
    """A post-norm encoder block: multi-head self-attention with a residual,
    layer norm, a GELU feed-forward with a residual, layer norm."""
    rng = np.random.default_rng(seed)
    head = dim // heads
    ints = lambda name, values: numpy_helper.from_array(
        np.array(values, dtype=np.int64), name)
    inits = [
        _init(rng, "wq", (dim, dim)), _init(rng, "bq", (dim,)),
        _init(rng, "wk", (dim, dim)), _init(rng, "bk", (dim,)),
        _init(rng, "wv", (dim, dim)), _init(rng, "bv", (dim,)),
        _init(rng, "wo", (dim, dim)), _init(rng, "bo", (dim,)),
        numpy_helper.from_array(np.ones(dim, np.float32), "ln1_g"),
        numpy_helper.from_array(np.zeros(dim, np.float32), "ln1_b"),
        _init(rng, "w1", (dim, ffn)), _init(rng, "b1", (ffn,)),
        _init(rng, "w2", (ffn, dim)), _init(rng, "b2", (dim,)),
        numpy_helper.from_array(
            rng.uniform(0.5, 1.5, dim).astype(np.float32), "ln2_g"),
        _init(rng, "ln2_b", (dim,)),
        ints("heads_shape", [batch, seq, heads, head]),
        ints("merged_shape", [batch, seq, dim]),
        numpy_helper.from_array(
            np.array(1.0 / np.sqrt(head), np.float32), "scale"),
    ]
    nodes = []

    def proj(src, w, b, out):
        nodes.append(helper.make_node("MatMul", [src, w], [out + "_mm"],
                                      name=out + "_matmul"))
        nodes.append(helper.make_node("Add", [out + "_mm", b], [out],
                                      name=out + "_bias"))

    for name in ("q", "k", "v"):
        proj("x", "w" + name, "b" + name, name)
        nodes.append(helper.make_node("Reshape", [name, "heads_shape"],
                                      [name + "_h"], name=name + "_split"))
    nodes += [
        helper.make_node("Transpose", ["q_h"], ["qt"], perm=[0, 2, 1, 3], name="q_t"),
        helper.make_node("Transpose", ["k_h"], ["kt"], perm=[0, 2, 3, 1], name="k_t"),
        helper.make_node("Transpose", ["v_h"], ["vt"], perm=[0, 2, 1, 3], name="v_t"),
        helper.make_node("MatMul", ["qt", "kt"], ["scores_raw"], name="qk"),
        helper.make_node("Mul", ["scores_raw", "scale"], ["scores"], name="scale_mul"),
        helper.make_node("Softmax", ["scores"], ["attn"], axis=-1, name="attn_softmax"),
        helper.make_node("MatMul", ["attn", "vt"], ["ctx_h"], name="attn_v"),
        helper.make_node("Transpose", ["ctx_h"], ["ctx_t"], perm=[0, 2, 1, 3], name="ctx_t"),
        helper.make_node("Reshape", ["ctx_t", "merged_shape"], ["ctx"], name="merge"),
    ]
    proj("ctx", "wo", "bo", "attn_out")
    nodes += [
        helper.make_node("Add", ["x", "attn_out"], ["res1"], name="residual1"),
        helper.make_node("LayerNormalization", ["res1", "ln1_g", "ln1_b"],
                         ["ln1"], axis=-1, epsilon=1e-5, name="ln1"),
    ]
    proj("ln1", "w1", "b1", "ff1")
    # GELU spelled with Erf, as exporters emit it before opset 20.
    nodes += [
        helper.make_node("Div", ["ff1", "sqrt2"], ["ff1_s"], name="gelu_div"),
        helper.make_node("Erf", ["ff1_s"], ["ff1_erf"], name="gelu_erf"),
        helper.make_node("Add", ["ff1_erf", "one"], ["ff1_1p"], name="gelu_add"),
        helper.make_node("Mul", ["ff1", "ff1_1p"], ["ff1_m"], name="gelu_mul"),
        helper.make_node("Mul", ["ff1_m", "half"], ["ff1_gelu"], name="gelu_half"),
    ]
    inits += [numpy_helper.from_array(np.array(np.sqrt(2.0), np.float32), "sqrt2"),
              numpy_helper.from_array(np.array(1.0, np.float32), "one"),
              numpy_helper.from_array(np.array(0.5, np.float32), "half")]
    proj("ff1_gelu", "w2", "b2", "ff2")
    nodes += [
        helper.make_node("Add", ["ln1", "ff2"], ["res2"], name="residual2"),
        helper.make_node("LayerNormalization", ["res2", "ln2_g", "ln2_b"],
                         ["y"], axis=-1, epsilon=1e-5, name="ln2"),
    ]
    return _model(nodes,
                  [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                 [batch, seq, dim])],
                  [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                                 [batch, seq, dim])],
                  inits, "transformer_block")


MODELS = {"mlp": mlp, "cnn": cnn, "transformer": transformer_block}
