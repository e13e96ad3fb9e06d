// JSON and SARIF 2.1.0 renderings of the collected diagnostics.
//
// SARIF: one run; tool.driver.rules holds every rule of LintRules.def in
// table order plus `policy-error` (errors without a flag: the policy does
// not compile); each result has ruleId + ruleIndex, level, message and,
// when it has a place, one physicalLocation (artifactLocation.uri, region
// startLine/startColumn/endColumn, 1-based, endColumn exclusive as SARIF
// wants). Notes become relatedLocations of the result before them. File
// names are emitted as given on the command line: relative paths stay
// relative URI references (what code-scanning uploads expect, resolved
// against the checkout), absolute ones become file:// URIs.
#include "compiler/Lint/Lint.h"

#include "llvm/ADT/StringExtras.h"

using namespace llvm;

namespace kavach::lint {
namespace {

const char *severityName(SourceMgr::DiagKind K) {
  return K == SourceMgr::DK_Error ? "error" : K == SourceMgr::DK_Warning ? "warning" : "note";
}

std::string toUri(StringRef Path) {
  std::string Out;
  for (char C : Path) {
    if (isAlnum(C) || StringRef("/-._~").contains(C))
      Out += C;
    else
      Out += "%" + utohexstr(uint8_t(C), /*LowerCase=*/false, /*Width=*/2);
  }
  return Path.startswith("/") ? "file://" + Out : Out;
}

json::Object region(const DiagRecord &R) {
  json::Object Reg{{"startLine", R.line}, {"startColumn", R.column}};
  if (R.endColumn > R.column)
    Reg["endColumn"] = R.endColumn;
  return Reg;
}

json::Object physical(const DiagRecord &R) {
  return json::Object{{"physicalLocation",
                       json::Object{{"artifactLocation", json::Object{{"uri", toUri(R.file)}}},
                                    {"region", region(R)}}}};
}

} // namespace

json::Value toJson(ArrayRef<DiagRecord> Records, ArrayRef<std::string> Files) {
  json::Array Findings;
  for (const DiagRecord &R : Records) {
    json::Object O{{"severity", severityName(R.kind)}, {"message", R.message}};
    if (R.file.size()) {
      O["file"] = R.file;
      O["line"] = R.line;
      O["column"] = R.column;
      O["endColumn"] = R.endColumn;
    }
    if (R.fixits.size())
      O["fixits"] = json::Array(R.fixits);
    if (R.kind == SourceMgr::DK_Note && !Findings.empty()) {
      json::Object &Prev = *Findings.back().getAsObject();
      if (!Prev.getArray("notes"))
        Prev["notes"] = json::Array();
      Prev.getArray("notes")->push_back(std::move(O));
      continue;
    }
    O["ruleId"] = R.flag.empty() ? "policy-error" : R.flag;
    Findings.push_back(std::move(O));
  }
  return json::Object{{"version", 1}, {"files", json::Array(Files)}, {"findings", std::move(Findings)}};
}

json::Value toSarif(ArrayRef<DiagRecord> Records, ArrayRef<std::string> Files,
                    StringRef HelpBase, StringRef Version) {
  json::Array Rules;
  std::vector<std::string> Ids;
  auto AddRule = [&](StringRef Id, StringRef Level, StringRef Summary, StringRef Help) {
    Ids.push_back(Id.str());
    Rules.push_back(json::Object{
        {"id", Id.str()},
        {"shortDescription", json::Object{{"text", Summary}}},
        {"fullDescription", json::Object{{"text", Help}}},
        {"help", json::Object{{"text", Help}}},
        {"helpUri", (HelpBase + "#" + Id).str()},
        {"defaultConfiguration", json::Object{{"level", Level}}},
        {"properties", json::Object{{"tags", json::Array{"security"}}}}});
  };
  for (const RuleInfo &R : rules())
    AddRule(R.id, R.severity == Severity::Error ? "error" : "warning", R.summary, R.help);
  AddRule("policy-error", "error", "the policy does not compile",
          "kavachc rejected the policy; the message says why. A policy with errors is never "
          "compiled into a policy.bin.");

  json::Array Results;
  for (const DiagRecord &R : Records) {
    if (R.kind == SourceMgr::DK_Note) {
      if (Results.empty() || R.file.empty())
        continue;
      json::Object &Prev = *Results.back().getAsObject();
      if (!Prev.getArray("relatedLocations"))
        Prev["relatedLocations"] = json::Array();
      json::Array &Rel = *Prev.getArray("relatedLocations");
      json::Object L = physical(R);
      L["id"] = int64_t(Rel.size());
      L["message"] = json::Object{{"text", R.message}};
      Rel.push_back(std::move(L));
      continue;
    }
    std::string Id = R.flag.empty() ? "policy-error" : R.flag;
    auto It = llvm::find(Ids, Id);
    json::Object Res{{"ruleId", Id},
                     {"level", severityName(R.kind)},
                     {"message", json::Object{{"text", R.message}}}};
    if (It != Ids.end())
      Res["ruleIndex"] = int64_t(It - Ids.begin());
    if (!R.file.empty() && R.line > 0)
      Res["locations"] = json::Array{physical(R)};
    Results.push_back(std::move(Res));
  }

  json::Array Artifacts;
  for (const std::string &F : Files)
    Artifacts.push_back(json::Object{{"location", json::Object{{"uri", toUri(F)}}}});

  json::Object Driver{{"name", "kavachc"},
                      {"version", Version},
                      {"informationUri", HelpBase.str()},
                      {"rules", std::move(Rules)}};
  json::Object Run{{"tool", json::Object{{"driver", std::move(Driver)}}},
                   {"artifacts", std::move(Artifacts)},
                   {"results", std::move(Results)}};
  return json::Object{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                      {"version", "2.1.0"},
                      {"runs", json::Array{std::move(Run)}}};
}

} // namespace kavach::lint
