"""Tiny ONNX graphs for src-shared/inference tests, written with the onnx library's own protobuf
serialiser (an implementation independent of Quorum's reader). Deterministic; run with
/usr/bin/python3 models/train/make_test_fixtures.py.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src-shared", "inference", "testdata")


def save(graph, name):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="quorum-fixtures")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, name))


def conv_transpose(rank, with_kernel_attr, name):
    spatial_in = [4] * rank
    spatial_out = [8] * rank
    w = numpy_helper.from_array(np.ones([1, 1] + [2] * rank, np.float32), "w")
    attrs = {"strides": [2] * rank}
    if with_kernel_attr:
        attrs["kernel_shape"] = [2] * rank
    node = helper.make_node("ConvTranspose", ["x", "w"], ["y"], **attrs)
    g = helper.make_graph([node], name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1] + spatial_in)],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1] + spatial_out)], [w])
    save(g, name + ".onnx")


def three_channel_conv():
    """Input with 3 channels, symbolic spatial dims; a 1x1x1 conv to 1 channel + Sigmoid."""
    w = numpy_helper.from_array(np.full([1, 3, 1, 1, 1], 0.5, np.float32), "w")
    nodes = [helper.make_node("Conv", ["x", "w"], ["h"]),
             helper.make_node("Sigmoid", ["h"], ["y"])]
    g = helper.make_graph(nodes, "three_channel", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 3, "d", "h", "w"])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 1, "d", "h", "w"])], [w])
    save(g, "three-channel-conv.onnx")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    conv_transpose(3, True, "convtranspose3d-attr")
    conv_transpose(3, False, "convtranspose3d-noattr")
    conv_transpose(2, False, "convtranspose2d")
    three_channel_conv()
