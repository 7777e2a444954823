//===- Diagnostics.cpp - Diagnostics that name the ONNX node --------------===//

#include "compiler/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"

using namespace mlir;

namespace dlc {

/// The innermost file location and the outermost name in `loc`.
static void decompose(Location loc, std::string &file, std::string &name) {
  loc->walk([&](Location inner) {
    if (auto named = dyn_cast<NameLoc>(inner)) {
      if (name.empty())
        name = named.getName().str();
    } else if (auto fileLoc = dyn_cast<FileLineColLoc>(inner)) {
      file = fileLoc.getFilename().str();
    }
    return WalkResult::advance();
  });
}

NodeDiagnosticHandler::NodeDiagnosticHandler(MLIRContext *ctx,
                                             llvm::raw_ostream &os)
    : ScopedDiagnosticHandler(ctx), os(os) {
  setHandler([this](Diagnostic &diag) {
    print(diag);
    for (Diagnostic &note : diag.getNotes())
      print(note);
    return success();
  });
}

void NodeDiagnosticHandler::print(Diagnostic &diag) {
  std::string file, name, message = diag.str();
  decompose(diag.getLocation(), file, name);
  os << (file.empty() ? "dlc" : file) << ": ";
  switch (diag.getSeverity()) {
  case DiagnosticSeverity::Error:
    os << "error: ";
    break;
  case DiagnosticSeverity::Warning:
    os << "warning: ";
    break;
  case DiagnosticSeverity::Note:
    os << "note: ";
    break;
  case DiagnosticSeverity::Remark:
    os << "remark: ";
    break;
  }
  if (!name.empty() && StringRef(message).find("'" + name + "'") ==
                           StringRef::npos)
    os << "node '" << name << "': ";
  os << message << "\n";
  os.flush();
}

} // namespace dlc
