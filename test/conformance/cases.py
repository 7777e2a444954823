"""The ONNX backend test cases of the installed onnx package, on disk.

Layout of every case (the layout of onnx/backend/test/data/node):
  <dir>/model.onnx
  <dir>/test_data_set_<k>/input_<i>.pb, output_<i>.pb

node/ cases are not shipped in the onnx wheel: they are generated from the
package's own case definitions (onnx.backend.test.case.node) into a cache
directory that is keyed by the onnx version. light/ models ship without
inputs: the inputs are the deterministic dummy data the onnx runner uses.
"""

import dataclasses
import glob
import os
import shutil
import warnings

import numpy as np
import onnx
from onnx import numpy_helper

DIRECTORIES = ("node", "simple", "pytorch-converted", "pytorch-operator",
               "light")


@dataclasses.dataclass
class Case:
    directory: str  # one of DIRECTORIES
    name: str  # e.g. test_abs
    model_path: str
    data_sets: list  # [(input .pb paths, output .pb paths)]
    rtol: float = 1e-3
    atol: float = 1e-7


def package_data_dir():
    return os.path.join(os.path.dirname(onnx.__file__), "backend", "test",
                        "data")


def _write_tensor(path, value, name):
    if isinstance(value, onnx.TensorProto):
        proto = value
    else:
        proto = numpy_helper.from_array(np.asarray(value), name)
    with open(path, "wb") as f:
        f.write(proto.SerializeToString())


def _generate_node_cases(out_dir):
    """Writes every node test case of the onnx package under out_dir.

    Returns {name: (rtol, atol)} for the cases whose tolerances differ from
    the defaults."""
    import onnx.backend.test.case.node as node_cases

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cases = node_cases.collect_testcases()
    tmp_dir = out_dir + ".tmp"
    shutil.rmtree(tmp_dir, ignore_errors=True)
    tolerances = []
    for case in cases:
        case_dir = os.path.join(tmp_dir, case.name)
        os.makedirs(case_dir)
        with open(os.path.join(case_dir, "model.onnx"), "wb") as f:
            f.write(case.model.SerializeToString())
        graph = case.model.graph
        for k, (inputs, outputs) in enumerate(case.data_sets):
            set_dir = os.path.join(case_dir, f"test_data_set_{k}")
            os.makedirs(set_dir)
            for kind, values, infos in (("input", inputs, graph.input),
                                        ("output", outputs, graph.output)):
                for i, value in enumerate(values):
                    name = infos[i].name if i < len(infos) else ""
                    path = os.path.join(set_dir, f"{kind}_{i}.pb")
                    if isinstance(value, (onnx.TensorProto, np.ndarray,
                                          np.generic)):
                        _write_tensor(path, value, name)
                    else:
                        # Sequences, maps and optionals: kept as the onnx
                        # runner keeps them, so that they fail loudly.
                        with open(path + ".unsupported", "w") as f:
                            f.write(type(value).__name__)
        if (case.rtol, case.atol) != (1e-3, 1e-7):
            tolerances.append(f"{case.name} {case.rtol!r} {case.atol!r}\n")
    with open(os.path.join(tmp_dir, "tolerances.txt"), "w") as f:
        f.writelines(tolerances)
    shutil.rmtree(out_dir, ignore_errors=True)
    os.rename(tmp_dir, out_dir)


def _generate_light_inputs(model_path, set_dir):
    """The inputs the onnx backend runner feeds light/ models."""
    from onnx.backend.test.runner import Runner

    model = onnx.load(model_path)
    inits = {i.name for i in model.graph.initializer}
    os.makedirs(set_dir, exist_ok=True)
    index = 0
    name = os.path.splitext(os.path.basename(model_path))[0]
    for value in model.graph.input:
        if value.name in inits:
            continue
        data = Runner.generate_dummy_data(value, seed=0, name=name,
                                          random=False)
        _write_tensor(os.path.join(set_dir, f"input_{index}.pb"), data,
                      value.name)
        index += 1


def _data_sets(case_dir):
    sets = []
    for set_dir in sorted(glob.glob(os.path.join(case_dir, "test_data_set_*"))):
        inputs = sorted(glob.glob(os.path.join(set_dir, "input_*.pb*")),
                        key=_index)
        outputs = sorted(glob.glob(os.path.join(set_dir, "output_*.pb*")),
                         key=_index)
        sets.append((inputs, outputs))
    return sets


def _index(path):
    base = os.path.basename(path)
    return int(base.split("_")[1].split(".")[0])


def collect(cache_dir, directories=DIRECTORIES):
    """Returns every Case of the given directories, generating what the onnx
    package does not ship into cache_dir."""
    data_dir = package_data_dir()
    cases = []
    for directory in directories:
        if directory == "node":
            node_dir = os.path.join(cache_dir, f"node-onnx-{onnx.__version__}")
            if not os.path.isdir(node_dir):
                _generate_node_cases(node_dir)
            tolerances = {}
            with open(os.path.join(node_dir, "tolerances.txt")) as f:
                for line in f:
                    name, rtol, atol = line.split()
                    tolerances[name] = (float(rtol), float(atol))
            for name in sorted(os.listdir(node_dir)):
                case_dir = os.path.join(node_dir, name)
                if not os.path.isdir(case_dir):
                    continue
                rtol, atol = tolerances.get(name, (1e-3, 1e-7))
                cases.append(Case(directory, name,
                                  os.path.join(case_dir, "model.onnx"),
                                  _data_sets(case_dir), rtol, atol))
        elif directory == "light":
            light_dir = os.path.join(data_dir, "light")
            for model_path in sorted(glob.glob(os.path.join(light_dir,
                                                            "*.onnx"))):
                name = os.path.splitext(os.path.basename(model_path))[0]
                set_dir = os.path.join(cache_dir, "light",
                                       f"onnx-{onnx.__version__}", name,
                                       "test_data_set_0")
                if not os.path.isdir(set_dir):
                    _generate_light_inputs(model_path, set_dir)
                inputs = sorted(glob.glob(os.path.join(set_dir, "input_*.pb")),
                                key=_index)
                outputs = sorted(glob.glob(os.path.join(
                    light_dir, f"{name}_output_*.pb")),
                    key=lambda p: int(p.rsplit("_", 1)[1].split(".")[0]))
                # The onnx runner compares light/ models with rtol 1e-3 and
                # atol 1e-7 too.
                cases.append(Case(directory, name, model_path,
                                  [(inputs, outputs)]))
        else:
            root = os.path.join(data_dir, directory)
            for name in sorted(os.listdir(root)):
                case_dir = os.path.join(root, name)
                if os.path.exists(os.path.join(case_dir, "model.onnx")):
                    cases.append(Case(directory, name,
                                      os.path.join(case_dir, "model.onnx"),
                                      _data_sets(case_dir)))
    return cases
