// DiagnosticEngine: formatting through llvm::SourceMgr, warning flags, and a
// JSON sink. Errors are counted even when printed as JSON so that the driver
// can decide the exit status and whether an output file may be written.
#include "compiler/Basic/Diagnostics.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

using namespace llvm;

namespace kavach {

DiagnosticEngine::DiagnosticEngine(SourceMgr &SM, raw_ostream &OS) : SM(SM), OS(OS) {}

void DiagnosticEngine::emit(SourceMgr::DiagKind Kind, StringRef Flag, SMRange R,
                            const Twine &Msg, ArrayRef<SMFixIt> FixIts) {
  std::string Text = Msg.str();
  if (!Flag.empty())
    Text += " [-W" + Flag.str() + "]";
  SMDiagnostic D = R.isValid()
                       ? SM.GetMessage(R.Start, Kind, Text, ArrayRef<SMRange>(R), FixIts)
                       : SMDiagnostic("kavachc", Kind, Text);
  DiagRecord Rec;
  Rec.kind = Kind;
  Rec.flag = Flag.str();
  Rec.message = Msg.str();
  Rec.file = D.getFilename().str();
  Rec.line = D.getLineNo() > 0 ? D.getLineNo() : 0;
  Rec.column = D.getColumnNo() >= 0 ? D.getColumnNo() + 1 : 0;
  Rec.endColumn = Rec.column;
  if (R.isValid() && Rec.line > 0) {
    auto [EndLine, EndCol] = SM.getLineAndColumn(R.End);
    Rec.endColumn = EndLine == Rec.line ? EndCol : Rec.column + 1;
  }
  for (const SMFixIt &F : FixIts)
    Rec.fixits.push_back(F.getText().str());
  Records.push_back(std::move(Rec));
  if (Opts.format == DiagFormat::Text)
    SM.PrintMessage(OS, D, /*ShowColors=*/false);
}

// The same diagnostic at the same place is shown once: analysing several
// policies of one file (kavachc --test) meets an error in a shared group or
// import once per policy. A repeated error still counts, so each caller's
// "did this analysis fail" check stays right; its notes go with it.
bool DiagnosticEngine::repeated(SMRange R, StringRef Flag, const Twine &Msg) {
  if (!R.isValid())
    return false;
  std::string Key = formatv("{0}:{1}:{2}:", (const void *)R.Start.getPointer(),
                            (const void *)R.End.getPointer(), Flag)
                        .str() +
                    Msg.str();
  return !Seen.insert(Key).second;
}

void DiagnosticEngine::error(SMRange R, const Twine &Msg, ArrayRef<SMFixIt> FixIts) {
  ++Errors;
  LastSuppressed = repeated(R, "", Msg);
  if (LastSuppressed)
    return;
  emit(SourceMgr::DK_Error, "", R, Msg, FixIts);
}

void DiagnosticEngine::warning(StringRef Flag, SMRange R, const Twine &Msg,
                               ArrayRef<SMFixIt> FixIts) {
  LastSuppressed = Opts.disabled.count(Flag) > 0 || (Suppress && Suppress(Flag, R));
  if (LastSuppressed)
    return;
  if (Opts.warningsAsErrors && !Opts.notAsErrors.count(Flag)) {
    ++Errors;
    if ((LastSuppressed = repeated(R, Flag, Msg)))
      return;
    emit(SourceMgr::DK_Error, Flag, R, Msg, FixIts);
    return;
  }
  if ((LastSuppressed = repeated(R, Flag, Msg)))
    return;
  ++Warnings;
  emit(SourceMgr::DK_Warning, Flag, R, Msg, FixIts);
}

void DiagnosticEngine::defaultErrorWarning(StringRef Flag, SMRange R, const Twine &Msg,
                                           ArrayRef<SMFixIt> FixIts) {
  LastSuppressed = Opts.disabled.count(Flag) > 0 || (Suppress && Suppress(Flag, R));
  if (LastSuppressed)
    return;
  if (Opts.notAsErrors.count(Flag)) {
    if ((LastSuppressed = repeated(R, Flag, Msg)))
      return;
    ++Warnings;
    emit(SourceMgr::DK_Warning, Flag, R, Msg, FixIts);
    return;
  }
  ++Errors;
  if ((LastSuppressed = repeated(R, Flag, Msg)))
    return;
  emit(SourceMgr::DK_Error, Flag, R, Msg, FixIts);
}

void DiagnosticEngine::note(SMRange R, const Twine &Msg, ArrayRef<SMFixIt> FixIts) {
  if (LastSuppressed)
    return;
  emit(SourceMgr::DK_Note, "", R, Msg, FixIts);
}

void DiagnosticEngine::fatal(const Twine &Msg) {
  LastSuppressed = false;
  ++Errors;
  DiagRecord Rec;
  Rec.kind = SourceMgr::DK_Error;
  Rec.message = Msg.str();
  Records.push_back(Rec);
  if (Opts.format == DiagFormat::Text)
    OS << "kavachc: error: " << Msg << "\n";
}

std::string closestMatch(StringRef Typo, ArrayRef<std::string> Candidates) {
  unsigned Limit = Typo.size() / 3 + 1;
  unsigned Best = Limit + 1;
  std::string BestName;
  for (const std::string &C : Candidates) {
    unsigned D = Typo.edit_distance(C, /*AllowReplacements=*/true, Limit + 1);
    // Ties keep the first candidate; callers pass sorted lists, so the
    // choice is stable.
    if (D < Best && C != Typo) {
      Best = D;
      BestName = C;
    }
  }
  return Best <= Limit ? BestName : std::string();
}

std::string DiagnosticEngine::suggest(SMRange R, StringRef Typo,
                                      ArrayRef<std::string> Candidates, StringRef Prefix) {
  std::string Best = closestMatch(Typo, Candidates);
  if (!Best.empty())
    note(R, "did you mean '" + Prefix + Best + "'?", SMFixIt(R, Prefix.str() + Best));
  return Best;
}

void DiagnosticEngine::flushJson() {
  json::Array Arr;
  for (const DiagRecord &R : Records) {
    const char *Sev = R.kind == SourceMgr::DK_Error     ? "error"
                      : R.kind == SourceMgr::DK_Warning ? "warning"
                                                        : "note";
    json::Object O{{"severity", Sev}, {"message", R.message}};
    if (!R.flag.empty())
      O["flag"] = "-W" + R.flag;
    if (!R.file.empty()) {
      O["file"] = R.file;
      O["line"] = R.line;
      O["column"] = R.column;
      O["endColumn"] = R.endColumn;
    }
    if (!R.fixits.empty()) {
      json::Array F;
      for (const std::string &S : R.fixits)
        F.push_back(S);
      O["fixits"] = std::move(F);
    }
    Arr.push_back(std::move(O));
  }
  OS << formatv("{0:2}", json::Value(std::move(Arr))) << "\n";
}

} // namespace kavach
