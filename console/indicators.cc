#include "console/indicators.h"

#include <algorithm>
#include <utility>

#include "console/html.h"
#include "console/site_day.h"
#include "rules/programme.h"

namespace flexmail {
namespace {

bool Within(Instant t, const DayFrame& f) { return t >= f.start && t < f.end; }

bool SameSource(const IndicatorBand& b, const AppliedLight& a) {
  return b.known == a.known && (!a.known || b.source->seq == a.source->seq);
}

// The applicable publication can only change at an application instant:
// cut the day there, and join the neighbours that keep the same source (a
// publication that never takes over, or one applying at the same instant
// as another, draws no boundary).
std::vector<IndicatorBand> BandsOf(const IndicatorTimeline& timeline, const DayFrame& f) {
  std::vector<Instant> cuts{f.start};
  for (const Publication& p : timeline.publications()) {
    if (p.applied_at > f.start && p.applied_at < f.end) cuts.push_back(p.applied_at);
  }
  std::sort(cuts.begin(), cuts.end());
  std::vector<IndicatorBand> bands;
  for (size_t i = 0; i < cuts.size(); ++i) {
    const Instant until = i + 1 < cuts.size() ? cuts[i + 1] : f.end;
    if (until == cuts[i]) continue;
    const AppliedLight a = timeline.At(cuts[i], f.fallback);
    if (!bands.empty() && SameSource(bands.back(), a)) {
      bands.back().until = until;
    } else {
      bands.push_back({cuts[i], until, a.status, a.known, a.source});
    }
  }
  return bands;
}

IndicatorLine LineOf(const std::string& mesh, IndicatorKind kind,
                     const std::vector<Publication>& pubs, const IndicatorsDayData& d) {
  const IndicatorTimeline timeline(mesh, kind, pubs, d.delay);
  IndicatorLine line;
  line.kind = kind;
  line.bands = BandsOf(timeline, d.frame);
  for (const Publication& p : timeline.publications()) {
    if (Within(p.published_at, d.frame) || Within(p.applied_at, d.frame))
      line.publications.push_back(p);
  }
  if (d.frame.now) {
    line.now = timeline.At(*d.frame.now, d.frame.fallback);
    line.next = timeline.Pending(*d.frame.now, d.frame.fallback);
  }
  return line;
}

MeshTimeline MeshOf(const Mesh& mesh, const std::vector<Publication>& pubs,
                    const std::vector<Shortage>& shortages, const IndicatorsDayData& d) {
  MeshTimeline m{mesh.code, mesh.label, {}, {}};
  for (IndicatorKind k : kAllIndicators) m.lines.push_back(LineOf(mesh.code, k, pubs, d));
  // The ledger gives records in (declared_at, id) order: an end closes
  // every declaration still open before it (ShortageInForce's rule).
  for (const Shortage& s : shortages) {
    if (s.gas_day != d.frame.day || !(s.mesh.empty() || s.mesh == mesh.code)) continue;
    if (!s.cancels) {
      m.shortages.push_back({s, std::max(s.declared_at, EarlyLimit(d.frame.day)), std::nullopt});
      continue;
    }
    for (ShortageSpan& open : m.shortages) {
      if (!open.ended) open.ended = s.declared_at;
    }
  }
  return m;
}

GasDay Bound(const char* iso) { return *GasDay::ParseIso(iso); }

}  // namespace

Status GatherIndicators(Ledger& ledger, const Referential& ref, GasDay day, Instant now,
                        IndicatorsDayData* out) {
  IndicatorsDayData d;
  d.frame = {day, GasDayStart(day), GasDayEnd(day), std::nullopt, ref.settings().unknown_indicator};
  if (Within(now, d.frame)) d.frame.now = now;
  d.hours = GasDayHours(day);
  d.delay = ref.settings().indicator_delay;
  std::vector<Shortage> shortages;
  Status s = ledger.Shortages(&shortages);
  for (auto it = ref.meshes().begin(); s.ok() && it != ref.meshes().end(); ++it) {
    std::vector<Publication> pubs;
    // The ledger refuses to publish for anything but a mesh code: such a
    // mesh has no publication to read.
    if (IsMeshCode(it->code))
      s = ledger.PublicationsDuring(it->code, d.frame.start, d.frame.end, &pubs);
    d.meshes.push_back(MeshOf(*it, pubs, shortages, d));
  }
  if (!s.ok()) return s;
  *out = std::move(d);
  return Status::Ok();
}

Status IndicatorsDayParam(const std::map<std::string, std::string>& query, Instant now,
                          GasDay* out) {
  const auto it = query.find("day");
  if (it == query.end()) {
    *out = GasDayOf(now);
    return Status::Ok();
  }
  GasDay day;
  // "YYYY-MM-DD" is the longest form: anything longer is refused unread.
  if (it->second.size() <= 10 && ParseGasDayParam(it->second, &day).ok() &&
      day >= Bound(kFirstIndicatorsDay) && day <= Bound(kLastIndicatorsDay)) {
    *out = day;
    return Status::Ok();
  }
  return Status::InvalidInput(
      std::string("paramètre « day » invalide : attendu une journée gazière AAAA-MM-JJ (ou "
                  "AAAAMMJJ) du ") +
      Bound(kFirstIndicatorsDay).French() + " au " + Bound(kLastIndicatorsDay).French());
}

std::string IndicatorsTitle(const IndicatorsDayData& d) {
  return "Indicateurs — " + d.frame.day.French();
}

namespace {

std::string TimeCell(Instant t) {
  return "<time datetime=\"" + FormatLocalIso(t) + "\">" + Escape(FormatShortLocal(t)) + "</time>";
}

std::string UntilCell(Instant t, const DayFrame& f) {
  return t == f.end ? "fin de journée (" + TimeCell(t) + ")" : TimeCell(t);
}

std::string LightCell(Light l) { return FrenchLight(l) + " (" + std::string(LightName(l)) + ")"; }

std::string Row(std::string_view header, const std::string& value, const std::string& published,
                const std::string& from, const std::string& until) {
  return "<tr><th scope=\"row\">" + Escape(header) + "</th><td>" + value + "</td><td>" + published +
         "</td><td>" + from + "</td><td>" + until + "</td></tr>\n";
}

// Every publication the day shows, band sources included, in publication
// order.
std::vector<Publication> ShownPublications(const IndicatorLine& line) {
  std::vector<Publication> out = line.publications;
  for (const IndicatorBand& b : line.bands) {
    if (b.source) out.push_back(*b.source);
  }
  std::sort(out.begin(), out.end(), [](const Publication& a, const Publication& b) {
    return a.published_at != b.published_at ? a.published_at < b.published_at : a.seq < b.seq;
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Publication& a, const Publication& b) { return a.seq == b.seq; }),
            out.end());
  return out;
}

void LineRows(const IndicatorLine& line, const DayFrame& f, std::string* out) {
  const std::string_view name = IndicatorFrench(line.kind);
  for (const IndicatorBand& b : line.bands) {
    if (b.known) continue;
    *out += Row(name, "inconnue, compte comme " + LightCell(f.fallback), "aucune publication",
                TimeCell(b.from), UntilCell(b.until, f));
  }
  for (const Publication& p : ShownPublications(line)) {
    const auto band = std::find_if(line.bands.begin(), line.bands.end(), [&](const auto& b) {
      return b.source && b.source->seq == p.seq;
    });
    std::string until = band != line.bands.end() ? UntilCell(band->until, f)
                        : p.applied_at >= f.end  ? "s'applique après cette journée"
                                                 : "sans effet : une publication plus récente "
                                                   "s'applique déjà";
    *out += Row(name, LightCell(p.status), TimeCell(p.published_at), TimeCell(p.applied_at), until);
  }
}

void ShortageRows(const MeshTimeline& m, const DayFrame& f, std::string* out) {
  for (const ShortageSpan& s : m.shortages) {
    const std::string scope =
        s.shortage.mesh.empty() ? "toutes les mailles" : "maille " + Escape(s.shortage.mesh);
    *out += Row("Pénurie", "PÉNURIE (" + scope + ")", TimeCell(s.shortage.declared_at),
                TimeCell(s.applies_from),
                s.applies_from < f.end ? UntilCell(f.end, f) : "après cette journée");
  }
}

void Table(const MeshTimeline& m, const DayFrame& f, std::string* out) {
  *out += "<table class=\"indicators\">\n<caption>Publications et pénuries de la maille " +
          Escape(m.code) + " pour la journée gazière du " + Escape(f.day.French()) +
          "</caption>\n<thead><tr><th scope=\"col\">Indicateur</th><th scope=\"col\">Valeur</th>"
          "<th scope=\"col\">Publié le</th><th scope=\"col\">S'applique dès</th>"
          "<th scope=\"col\">Jusqu'à</th></tr></thead>\n<tbody>\n";
  for (const IndicatorLine& line : m.lines) LineRows(line, f, out);
  ShortageRows(m, f, out);
  *out += "</tbody>\n</table>\n";
}

std::string NowItem(const IndicatorLine& line, Light fallback) {
  std::string item = "<li>" + Escape(IndicatorFrench(line.kind)) + " : ";
  if (line.now->known) {
    item += "<strong>" + LightCell(line.now->status) + "</strong> (publié le " +
            TimeCell(line.now->source->published_at) + ")";
  } else {
    item += "<strong>inconnu</strong>, compte comme " + LightCell(fallback);
  }
  if (line.next) {
    item += " ; prochain changement : " + LightCell(line.next->status) + " dès " +
            TimeCell(line.next->applied_at) + " (publié le " + TimeCell(line.next->published_at) +
            ")";
  } else {
    item += " ; aucun changement publié à venir";
  }
  return item + "</li>\n";
}

// What applies at the request's instant, when the day holds it.
void NowList(const MeshTimeline& m, const DayFrame& f, std::string* out) {
  if (!f.now) return;
  *out += "<p>En vigueur maintenant (" + TimeCell(*f.now) + ") :</p>\n<ul class=\"now\">\n";
  for (const IndicatorLine& line : m.lines) *out += NowItem(line, f.fallback);
  std::optional<Instant> shortage;
  for (const ShortageSpan& s : m.shortages) {
    if (s.applies_from <= *f.now && !(s.ended && *s.ended <= *f.now))
      shortage = std::min(shortage.value_or(s.applies_from), s.applies_from);
  }
  *out += shortage ? "<li>Pénurie : <strong>en vigueur</strong> depuis " + TimeCell(*shortage) +
                         " : tout programme de la journée est refusé</li>\n"
                   : std::string("<li>Pénurie : aucune</li>\n");
  *out += "</ul>\n";
}

void DayLinks(const DayFrame& f, std::string* out) {
  *out += "<p class=\"days\">";
  if (f.day > Bound(kFirstIndicatorsDay)) {
    *out += "<a href=\"/indicators?day=" + f.day.Prev().Iso() + "\" rel=\"prev\">← " +
            f.day.Prev().French() + "</a> ";
  }
  if (f.day < Bound(kLastIndicatorsDay)) {
    *out += "<a href=\"/indicators?day=" + f.day.Next().Iso() + "\" rel=\"next\">" +
            f.day.Next().French() + " →</a>";
  }
  *out += "</p>\n";
}

}  // namespace

std::string IndicatorsBody(const IndicatorsDayData& d) {
  const DayFrame& f = d.frame;
  std::string out;
  DayLinks(f, &out);
  out += "<p>Journée gazière du " + f.day.French() + " : de " + TimeCell(f.start) + " à " +
         TimeCell(f.end) + " (" + std::to_string(d.hours) + " heures). ";
  out += "Une publication qui améliore l'indicateur s'applique dès sa publication, une autre " +
         std::to_string(d.delay.count()) +
         " min après ; sans publication, un indicateur compte comme " + LightCell(f.fallback) +
         ". Une pénurie refuse tout programme de la journée, quels que soient les "
         "indicateurs.</p>\n";
  if (d.meshes.empty()) out += "<p>Le référentiel ne connaît aucune maille.</p>\n";
  for (size_t i = 0; i < d.meshes.size(); ++i) {
    const MeshTimeline& m = d.meshes[i];
    out += "<section class=\"mesh\">\n<h2>Maille " + Escape(m.code) + " — " + Escape(m.label) +
           "</h2>\n";
    NowList(m, f, &out);
    out += "<figure>\n" + RenderIndicatorTimeline(f, m, "m" + std::to_string(i)) +
           "<figcaption>Indicateurs et pénuries de la maille " + Escape(m.code) +
           " ; les mêmes faits sont dans le tableau ci-dessous.</figcaption>\n</figure>\n";
    Table(m, f, &out);
    out += "</section>\n";
  }
  return out;
}

HttpResponse IndicatorsPage(const ConsoleContext& ctx, const HttpRequest& req) {
  GasDay day;
  Status s = IndicatorsDayParam(req.query, ctx.now, &day);
  if (!s.ok()) return ErrorPage(400, "Requête invalide", s.message());
  IndicatorsDayData data;
  s = GatherIndicators(ctx.ledger, ctx.config.referential, day, ctx.now, &data);
  if (!s.ok()) return ErrorPage(500, "Erreur interne", s.ToString());
  HttpResponse r;
  r.body = Layout(IndicatorsTitle(data), IndicatorsBody(data));
  return r;
}

void AddIndicatorPages(Router* router) { router->Add("/indicators", IndicatorsPage); }

}  // namespace flexmail
