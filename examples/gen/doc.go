// Package gen generates realistic, deterministic consumer experience events
// and customer profiles for cai's examples, tests and benchmarks.
//
// The output looks like the raw behavioural data that Adobe Customer AI reads:
// one row per event (identity, timestamp, event type, order value, channel,
// product category, session) plus one row per profile. It can be streamed
// (Generate) or written as CSV, XDM-style JSON lines or Parquet (WriteCSV,
// WriteJSON, WriteParquet). Memory use is bounded: one profile is simulated
// at a time and its events are handed to the caller as they are produced.
//
// # Determinism
//
// Every profile i is simulated with its own random stream, a math/rand/v2
// PCG generator seeded with (Seed, i), so the same Config always yields
// byte-identical output, and profile i is the same person whatever the total
// number of profiles. No maps are iterated and the wall clock is never read.
//
// # The generative model
//
// Each profile draws latent traits from correlated log-normal / logistic
// distributions:
//
//   - engagement: the rate of organic browsing sessions (median ≈ 0.4 a
//     month, heavy-tailed), which also lowers the churn hazard;
//   - buying rate: how often the person starts a shopping episode (median
//     once a month, log-normal with σ = 0.7, so frequency is informative);
//   - price sensitivity: cheaper baskets, more abandoned checkouts, more
//     buying during the November/December sales;
//   - email responsiveness: probability of opening (≈ 30% on average) and
//     of clicking (≈ 20% of opens, more while shopping);
//   - churn hazard: a daily probability of starting to drop out (median ≈
//     28% a year), higher for weakly engaged, rarely buying and
//     email-unresponsive people.
//
// Observable attributes (country, loyalty tier, age, email opt-in, device,
// signup date) are drawn alongside and are partly correlated with the traits
// (tier with engagement, buying rate and tenure; device and app use with
// age; price sensitivity with youth).
//
// The simulation walks day by day through [Start, Start+Days). About 62% of
// profiles signed up before Start (6% of those are long dormant and never
// act); the others sign up on a uniformly random day of the period and start
// with a welcome session, often followed by a first purchase. Each day:
//
//   - Shopping episodes: with the buying rate (times seasonality) a person
//     becomes interested. 30% buy on impulse; the others first consider for
//     a few days (extra sessions with product views but few cart adds) and
//     80% of them then enter the buying phase, which lasts one to a few days
//     with about 0.6 extra sessions a day and a high chance of cart adds.
//   - Sessions arrive as a Poisson process (engagement + episode boost)
//     times a weekly seasonality (weekends ≈ 1.3×, other days 0.9-1×) and a
//     yearly one (January 0.9×, November 1.15-1.3×, Black Friday to Cyber
//     Monday 2×, December up to the 22nd 1.45×, after that 0.9×). A session
//     is an app_launch (app users, mostly on mobile) or a session_start,
//     followed by page views and product views.
//   - The funnel: product views lead to cart adds (much more likely in the
//     buying phase), a non-empty cart to a checkout and a checkout to a
//     purchase whose value is the cart total (prices end in .99). A purchase
//     empties the cart and ends the episode; abandoned carts expire after
//     three weeks; episodes that end without a purchase are lost demand.
//   - Email campaigns go out every Tuesday (plus Fridays from mid-November to
//     December 20) to opted-in profiles. Opens follow after a few hours,
//     clicks follow opens, and a click starts a session on the email channel
//     and, 30% of the time, a buying phase.
//   - Support contacts happen rarely, mostly in the ten days after a
//     purchase; each one raises the churn hazard (the effect decays with a
//     half-life of about 45 days).
//   - Churn: each day the person may start to drop out with their hazard
//     (×2.5 in the first 60 days after signup, ×0.5 within 30 days after a
//     purchase, up with recent support contacts). Dropping out takes 2-7
//     weeks during which sessions, shopping episodes, email opens and
//     support contacts fade linearly to 10%; then all activity stops for
//     good, including email sends (the address is suppressed).
//
// So a purchase in the next 30 days is predictable, noisily, from recent
// product views, cart adds and email clicks (the shopping episode is only
// partly visible) and from purchase frequency and recency; churn from
// recency, frequency, trend, support contacts and falling email engagement.
// A logistic regression on a dozen such features reaches an AUC of about
// 0.72-0.81 for conversion and 0.67-0.76 for "no purchase in 30 days" among
// buyers (cutoffs June-December); the rest is irreducible noise.
//
// A typical active profile has 10-20 events a month (median 11; email sends
// included), about 90 a year on average over all profiles of a 365-day
// period.
//
// # Output formats
//
// CSV: events.csv with columns profile_id, timestamp (RFC 3339, UTC, whole
// seconds), event_type, value (order total for purchases, item price for
// cart adds, empty otherwise), channel,
// category (empty when none), session_id (empty for email and support
// events); profiles.csv with profile_id, country, tier, signup_date
// (YYYY-MM-DD), age, email_opt_in (true/false), device.
//
// JSON lines (events.jsonl, profiles.jsonl): XDM ExperienceEvent style with
// nested objects; see AppendXDMEvent and AppendXDMProfile for the exact
// shape. Profiles are XDM-like Individual Profile records.
//
// Parquet: the CSV columns with proper types (timestamp[us, tz=UTC],
// float64, strings, date32, int32, bool), empty values written as nulls,
// Snappy-compressed, in row groups of up to 512Ki rows.
package gen
