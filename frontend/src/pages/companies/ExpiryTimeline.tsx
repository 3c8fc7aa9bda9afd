/** Authorizations expiring per week over the next 12 weeks; a bar is a button listing its companies below. */
import { useQuery } from "@tanstack/react-query";
import i18n from "i18next";
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router";
import { timelineQuery } from "../../api/companies";
import { Empty, ErrorBox, Loading } from "../../components/QueryState";
import { daysText, formatCount, formatDate, formatDayMonth, formatList } from "../../lib/format";

/** The room under the bars for their dates (the bars' bottom padding in styles.css). */
const TIMELINE_LABEL_SPACE = "1.4rem";

function countText(count: number): string {
  return i18n.t("timeline.count", { count });
}

export function ExpiryTimeline() {
  const { t } = useTranslation();
  const timeline = useQuery(timelineQuery);
  const [selected, setSelected] = useState<number | null>(null);

  let content;
  if (timeline.isPending) content = <Loading text={t("timeline.loading")} />;
  else if (timeline.isError)
    content = <ErrorBox error={timeline.error} onRetry={() => void timeline.refetch()} />;
  else {
    const weeks = timeline.data.weeks;
    const max = Math.max(1, ...weeks.map((w) => w.connections.length));
    const total = weeks.reduce((sum, w) => sum + w.connections.length, 0);
    const week = selected == null ? undefined : weeks[selected];
    content = (
      <>
        <div className="timeline-bars">
          {weeks.map((w, index) => {
            const count = w.connections.length;
            const day = formatDayMonth(w.start);
            // What the bar shows, its count above and its day below, begins its name in that order ("1
            // authorization expiring, week of 14 Dec"): speech input users say what they see (WCAG 2.5.3).
            const label = t("timeline.bar", { what: countText(count), day });
            const height = count ? Math.max(8, (count / max) * 100) : 2;
            return (
              // The count stands above its bar, outside the button (which holds the bar and its day).
              <div key={w.start} className="timeline-slot">
                <button
                  type="button"
                  className={`timeline-bar${selected === index ? " selected" : ""}${count ? "" : " zero"}`}
                  aria-label={label}
                  aria-pressed={selected === index}
                  title={t("timeline.week", {
                    start: formatDate(w.start),
                    end: formatDate(w.end),
                    what: countText(count),
                  })}
                  onClick={() => setSelected(selected === index ? null : index)}
                >
                  <span className="timeline-fill" aria-hidden="true" style={{ height: `${height}%` }} />
                  <span className="timeline-label" aria-hidden="true">
                    {day}
                  </span>
                </button>
                {count > 0 && (
                  <span
                    className="timeline-count"
                    aria-hidden="true"
                    style={{
                      bottom: `calc(${TIMELINE_LABEL_SPACE} + (100% - ${TIMELINE_LABEL_SPACE}) * ${height / 100})`,
                    }}
                  >
                    {formatCount(count)}
                  </span>
                )}
              </div>
            );
          })}
        </div>
        {total === 0 && <Empty>{t("timeline.none")}</Empty>}
        {week && (
          <div className="timeline-detail" aria-live="polite">
            <h3>
              {t("timeline.week", {
                start: formatDate(week.start),
                end: formatDate(week.end),
                what: countText(week.connections.length),
              })}
            </h3>
            {week.connections.length === 0 ? (
              <Empty>{t("timeline.nothingThisWeek")}</Empty>
            ) : (
              <ul>
                {week.connections.map((c) => (
                  <li key={`${c.companyId}-${c.region}`}>
                    <Trans
                      i18nKey="timeline.entry"
                      values={{
                        code: c.companyCode,
                        name: c.companyName,
                        region: c.region,
                        date: formatDate(c.authorizationExpiresAt),
                        days: daysText(c.daysLeft),
                      }}
                      components={{ a: <Link to={`/companies/${c.companyId}/amazon`} /> }}
                    />
                    {c.unifiedMembers.length > 0 && (
                      <span className="muted">
                        {" · "}
                        {t("timeline.alsoUsedBy", { codes: formatList(c.unifiedMembers) })}
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </>
    );
  }
  return (
    <section className="panel" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t("timeline.title")}</h2>
      {content}
    </section>
  );
}
