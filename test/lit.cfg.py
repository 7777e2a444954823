# -*- Python -*-
# lit configuration for dlc's FileCheck tests (dlc-opt, dlc).

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "DLC"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".test"]

config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.dlc_obj_root, "test")

# The gtest runtime suite, the numerics tests against onnxruntime and the ONNX
# conformance runs have their own drivers; Inputs/ hold files that tests read.
config.excludes = [
    "Inputs",
    "CMakeLists.txt",
    "README.txt",
    "lit.cfg.py",
    "lit.site.cfg.py",
    "runtime",
    "e2e",
    "conformance",
]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%shlibext", config.llvm_shlib_ext))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

# dlc's own tools first, then LLVM's FileCheck, not, count and friends.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.dlc_tools_dir, append_path=True)

tool_dirs = [config.dlc_tools_dir, config.llvm_tools_dir]
tools = [
    ToolSubst("dlc-opt", unresolved="fatal"),
    ToolSubst("dlc", unresolved="fatal"),
]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# Tests that generate ONNX models use the project's Python environment.
dlc_python = os.path.join(os.path.dirname(config.test_source_root), ".venv",
                          "bin", "python")
config.substitutions.append(("%python", dlc_python))
