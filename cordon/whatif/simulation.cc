#include "cordon/whatif/simulation.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "cordon/engine/engine.h"

namespace cordon::whatif {

namespace {

bool Caught(Outcome o) { return o == Outcome::kLicenseRequired || o == Outcome::kProhibited; }

struct Answer {
  Outcome overall = Outcome::kNotSubject;
  std::vector<std::pair<std::string, Outcome>> regimes;
};

Answer Ask(const Engine& engine, const Flow& f) {
  auto d = engine.Determine(f.tx, Context{}, f.tx.date);
  Answer a;
  a.overall = d->det.overall;
  for (const Jurisdiction& j : d->det.jurisdictions) a.regimes.emplace_back(std::string(j.regime.text()), j.outcome);
  return a;
}

void AddTally(const Tally& t, Tally* into) {
  into->count += t.count;
  into->value += t.value;
}

std::string Html(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Money(double v) {
  if (v >= 1e9) return fmt::format("${:.1f} bn", v / 1e9);
  if (v >= 1e6) return fmt::format("${:.1f} m", v / 1e6);
  return fmt::format("${:.0f}", v);
}

const char* kColours[] = {"#6b7280", "#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed"};

// Capture by regime: one group of bars per regime, one bar per run (value caught).
std::string CaptureChart(const SimulationResult& r) {
  std::set<std::string> regimes;
  for (const auto& run : r.runs) {
    for (const auto& [reg, t] : run.caught_by_regime) regimes.insert(reg);
  }
  double max = 1;
  for (const auto& run : r.runs) {
    for (const auto& [reg, t] : run.caught_by_regime) max = std::max(max, t.value);
  }
  const int bar = 18, gap = 28, left = 60, height = 220;
  const int group = static_cast<int>(r.runs.size()) * bar + gap;
  const int width = std::max(left + static_cast<int>(regimes.size()) * group + 20, left + 3 * 200);
  const int legend_rows = static_cast<int>((r.runs.size() + 2) / 3);
  std::ostringstream o;
  o << "<svg role=\"img\" aria-label=\"value caught by regime and scenario\" width=\"" << width << "\" height=\""
    << height + 44 + 18 * legend_rows << "\" xmlns=\"http://www.w3.org/2000/svg\">";
  o << "<line x1=\"" << left << "\" y1=\"" << height << "\" x2=\"" << width << "\" y2=\"" << height
    << "\" stroke=\"#999\"/>";
  int gi = 0;
  for (const auto& reg : regimes) {
    int x0 = left + gi * group;
    for (size_t k = 0; k < r.runs.size(); ++k) {
      auto it = r.runs[k].caught_by_regime.find(reg);
      double v = it == r.runs[k].caught_by_regime.end() ? 0 : it->second.value;
      int h = static_cast<int>(std::round(v / max * (height - 20)));
      o << fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{} under {}: {}</title></rect>",
                       x0 + static_cast<int>(k) * bar, height - h, bar - 2, h, kColours[k % 6], Html(reg),
                       Html(r.runs[k].id), Money(v));
    }
    o << fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"13\" text-anchor=\"middle\">{}</text>",
                     x0 + static_cast<int>(r.runs.size()) * bar / 2, height + 18, Html(reg));
    ++gi;
  }
  for (size_t k = 0; k < r.runs.size(); ++k) {
    int lx = left + static_cast<int>(k % 3) * 200, ly = height + 40 + static_cast<int>(k / 3) * 18;
    o << fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>",
                     lx, ly - 10, kColours[k % 6], lx + 16, ly, Html(r.runs[k].id));
  }
  o << "</svg>";
  return o.str();
}

// Leakage routes as a flow diagram: countries in columns by their place on the route, links as
// bands whose width is the value that leaks along them.
std::string RouteDiagram(const RunSummary& run) {
  struct Link { std::string from, to; double value; };
  std::map<std::pair<int, std::string>, double> nodes;  // (column, country) -> value
  double max = 0;
  int columns = 0;
  auto split = [](const std::string& route) {
    std::vector<std::string> hops;
    std::stringstream ss(route);
    std::string hop;
    while (std::getline(ss, hop, '>')) hops.push_back(hop);
    return hops;
  };
  for (const auto& [route, t] : run.leaks_by_route) columns = std::max(columns, static_cast<int>(split(route).size()));
  // The origin sits in the first column and the destination in the last, whatever the route's
  // length, so a direct route is one band from origin to destination.
  auto column_of = [&](size_t i, size_t n) { return i + 1 == n ? columns - 1 : static_cast<int>(i); };
  std::map<std::tuple<int, std::string, int, std::string>, double> spans;  // from column, from, to column, to
  for (const auto& [route, t] : run.leaks_by_route) {
    std::vector<std::string> hops = split(route);
    for (size_t i = 0; i < hops.size(); ++i) {
      nodes[{column_of(i, hops.size()), hops[i]}] += t.value;
      if (i + 1 < hops.size()) {
        spans[{column_of(i, hops.size()), hops[i], column_of(i + 1, hops.size()), hops[i + 1]}] += t.value;
      }
    }
    max = std::max(max, t.value);
  }
  if (nodes.empty()) return "<p>No flow of concern leaks in this run.</p>";
  double total = 0;
  for (const auto& [k, v] : nodes) {
    if (k.first == 0) total += v;
  }
  const int width = 160 * std::max(columns, 2), height = 260;
  std::map<std::pair<int, std::string>, std::pair<double, double>> pos;  // y top, height
  std::map<int, double> cursor;
  for (const auto& [k, v] : nodes) {
    double h = std::max(4.0, v / total * (height - 40));
    pos[k] = {cursor[k.first] + 10, h};
    cursor[k.first] += h + 14;
  }
  std::ostringstream o;
  double svg_height = height + 40;
  for (const auto& [col, y] : cursor) svg_height = std::max(svg_height, y + 20);
  o << "<svg role=\"img\" aria-label=\"leakage routes\" width=\"" << width << "\" height=\"" << svg_height
    << "\" xmlns=\"http://www.w3.org/2000/svg\">";
  std::map<std::pair<int, std::string>, double> out_used, in_used;
  for (const auto& [k, v] : spans) {
    auto [col, from, to_col, to] = k;
    auto a = pos[{col, from}], b = pos[{to_col, to}];
    double w = v / total * (height - 40);
    double y1 = a.first + out_used[{col, from}] + w / 2, y2 = b.first + in_used[{to_col, to}] + w / 2;
    out_used[{col, from}] += w;
    in_used[{to_col, to}] += w;
    double x1 = 20 + col * 160 + 14, x2 = 20 + to_col * 160;
    o << fmt::format("<path d=\"M{:.0f},{:.1f} C{:.0f},{:.1f} {:.0f},{:.1f} {:.0f},{:.1f}\" stroke=\"#dc2626\" stroke-opacity=\"0.35\" "
                     "stroke-width=\"{:.1f}\" fill=\"none\"><title>{} → {}: {}</title></path>",
                     x1, y1, (x1 + x2) / 2, y1, (x1 + x2) / 2, y2, x2, y2, std::max(1.0, w), Html(from), Html(to), Money(v));
  }
  for (const auto& [k, p] : pos) {
    double x = 20 + k.first * 160;
    o << fmt::format("<rect x=\"{:.0f}\" y=\"{:.1f}\" width=\"14\" height=\"{:.1f}\" fill=\"#374151\"/>"
                     "<text x=\"{:.0f}\" y=\"{:.1f}\" font-size=\"12\">{} {}</text>",
                     x, p.first, p.second, x + 18, p.first + p.second / 2 + 4, Html(k.second), Money(nodes[k]));
  }
  o << "</svg>";
  return o.str();
}

}  // namespace

SimulationResult Simulate(const std::vector<Flow>& flows, const std::vector<const Engine*>& engines,
                          const std::vector<Scenario>& scenarios, const std::function<void(size_t)>& progress) {
  SimulationResult r;
  r.runs.resize(engines.size());
  r.runs[0].id = "baseline";
  r.runs[0].title = "The regimes as they are";
  for (size_t k = 1; k < engines.size() && k - 1 < scenarios.size(); ++k) {
    r.runs[k].id = scenarios[k - 1].id;
    r.runs[k].title = scenarios[k - 1].title;
    r.runs[k].rationale = scenarios[k - 1].rationale;
  }
  for (size_t i = 0; i < flows.size(); ++i) {
    const Flow& f = flows[i];
    r.flows++;
    r.total.Add(f);
    bool base_caught = false;
    Outcome base_overall = Outcome::kNotSubject;
    for (size_t k = 0; k < engines.size(); ++k) {
      Answer a = Ask(*engines[k], f);
      RunSummary& run = r.runs[k];
      bool caught = false, held = false;
      for (const auto& [reg, o] : a.regimes) {
        if (Caught(o)) {
          run.caught_by_regime[reg].Add(f);
          caught = true;
        } else if (o == Outcome::kUndetermined) {
          held = true;
        }
      }
      if (caught) run.caught.Add(f);
      else if (held) run.held.Add(f);
      if (f.concern) {
        run.concern.Add(f);
        if (caught) run.concern_caught.Add(f);
        else if (!held) run.leaks_by_route[f.route].Add(f);
      }
      if (k == 0) {
        base_caught = caught;
        base_overall = a.overall;
      } else {
        if (a.overall != base_overall) run.changed.Add(f);
        if (caught && !base_caught) run.newly_caught.Add(f);
      }
    }
    if (progress && (i + 1) % 1000 == 0) progress(i + 1);
  }
  if (progress) progress(flows.size());
  return r;
}

void Merge(const SimulationResult& part, SimulationResult* into) {
  if (into->runs.empty()) {
    *into = part;
    return;
  }
  into->flows += part.flows;
  AddTally(part.total, &into->total);
  for (size_t k = 0; k < part.runs.size() && k < into->runs.size(); ++k) {
    const RunSummary& p = part.runs[k];
    RunSummary& t = into->runs[k];
    for (const auto& [reg, v] : p.caught_by_regime) AddTally(v, &t.caught_by_regime[reg]);
    for (const auto& [route, v] : p.leaks_by_route) AddTally(v, &t.leaks_by_route[route]);
    AddTally(p.caught, &t.caught);
    AddTally(p.held, &t.held);
    AddTally(p.concern, &t.concern);
    AddTally(p.concern_caught, &t.concern_caught);
    AddTally(p.changed, &t.changed);
    AddTally(p.newly_caught, &t.newly_caught);
  }
}

nlohmann::json ToJson(const SimulationResult& r) {
  auto tally = [](const Tally& t) { return nlohmann::json{{"count", t.count}, {"value", t.value}}; };
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& run : r.runs) {
    nlohmann::json by_regime = nlohmann::json::object(), leaks = nlohmann::json::array();
    for (const auto& [reg, t] : run.caught_by_regime) by_regime[reg] = tally(t);
    std::vector<std::pair<std::string, Tally>> routes(run.leaks_by_route.begin(), run.leaks_by_route.end());
    std::sort(routes.begin(), routes.end(), [](const auto& a, const auto& b) {
      return a.second.value != b.second.value ? a.second.value > b.second.value : a.first < b.first;
    });
    for (const auto& [route, t] : routes) leaks.push_back({{"route", route}, {"count", t.count}, {"value", t.value}});
    runs.push_back({{"id", run.id}, {"title", run.title}, {"rationale", run.rationale},
                    {"caught_by_regime", by_regime}, {"caught", tally(run.caught)}, {"held", tally(run.held)},
                    {"concern", tally(run.concern)}, {"concern_caught", tally(run.concern_caught)},
                    {"leaks", leaks}, {"changed_from_baseline", tally(run.changed)},
                    {"newly_caught", tally(run.newly_caught)}});
  }
  return {{"flows", r.flows}, {"total", tally(r.total)}, {"runs", runs}};
}

std::string RenderHtml(const SimulationResult& r) {
  std::ostringstream o;
  o << "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>cordon what-if</title><style>"
       "body{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px;color:#111}"
       "table{border-collapse:collapse;margin:1rem 0}td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:right}"
       "td:first-child,th:first-child{text-align:left}h2{margin-top:2.5rem}.why{color:#444;max-width:60rem}</style></head><body>";
  o << "<h1>What-if: allied alignment scenarios</h1>";
  o << fmt::format("<p id=\"summary\">{} flows, {} in all. A flow is <b>caught</b> when some regime requires a licence "
                   "or prohibits it; a flow of concern <b>leaks</b> when no regime catches or holds it.</p>",
                   r.flows, Money(r.total.value));
  o << "<h2>Capture by scenario</h2><table id=\"capture\"><tr><th>run</th><th>caught</th><th>value caught</th>"
       "<th>held (undetermined)</th><th>concern caught</th><th>concern leaking</th><th>changed vs baseline</th></tr>";
  for (const auto& run : r.runs) {
    double leak_count = 0, leak_value = 0;
    for (const auto& [route, t] : run.leaks_by_route) {
      leak_count += t.count;
      leak_value += t.value;
    }
    o << fmt::format("<tr data-run=\"{}\"><td>{}</td><td>{:.0f}</td><td>{}</td><td>{:.0f}</td><td>{:.0f} of {:.0f}</td>"
                     "<td>{:.0f} ({})</td><td>{:.0f}</td></tr>",
                     Html(run.id), Html(run.id), run.caught.count, Money(run.caught.value), run.held.count,
                     run.concern_caught.count, run.concern.count, leak_count, Money(leak_value), run.changed.count);
  }
  o << "</table><h2>Value caught by regime</h2>" << CaptureChart(r);
  for (const auto& run : r.runs) {
    o << "<h2>" << Html(run.id) << ": " << Html(run.title) << "</h2>";
    if (!run.rationale.empty()) o << "<p class=\"why\">" << Html(run.rationale) << "</p>";
    o << "<h3>Leakage routes (technology origin › assembly › destination)</h3>" << RouteDiagram(run);
  }
  o << "</body></html>\n";
  return o.str();
}

}  // namespace cordon::whatif
