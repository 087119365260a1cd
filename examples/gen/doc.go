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
//   - engagement: the rate of organic browsing sessions (median ≈ 1.2 a
//     month, heavy-tailed);
//   - buying rate: how often the person enters an in-market "shopping
//     episode" (median ≈ one every 45 days);
//   - price sensitivity: lower basket prices, more abandoned checkouts,
//     more buying during the November/December sales;
//   - email responsiveness: probability of opening and clicking campaign
//     emails;
//   - churn hazard: a daily probability of starting to drop out, higher for
//     weakly engaged and email-unresponsive people.
//
// Observable attributes (country, loyalty tier, age, email opt-in, device,
// signup date) are drawn alongside and are partly correlated with the traits
// (tier with engagement and spend, device and app use with age).
//
// The simulation walks day by day through [Start, Start+Days). About 62% of
// profiles signed up before Start (a few of them are long dormant and never
// act); the others sign up on a uniformly random day of the period and start
// with a welcome session. Each day:
//
//   - Sessions arrive as a Poisson process whose rate is the engagement
//     trait, boosted while in a shopping episode, times a weekly seasonality
//     (weekends ≈ 1.3×) and a yearly one (November ≈ 1.2×, Black Friday to
//     Cyber Monday 2×, December up to the 22nd 1.45×, January 0.9×).
//     A session is an app_launch (app users, mostly on mobile) or a
//     session_start, followed by page views and product views.
//   - The funnel: product views lead to cart adds (much more likely in a
//     shopping episode), a non-empty cart leads to a checkout and a checkout
//     to a purchase (with the order total as value). A purchase empties the
//     cart and ends the episode; abandoned carts expire after three weeks;
//     episodes that end without a purchase are lost demand.
//   - Email campaigns go out every Tuesday (plus Fridays in the holiday
//     season) to opted-in profiles. Opens follow after a few hours with the
//     profile's responsiveness (higher while in market), clicks follow opens,
//     and a click starts a session on the email channel and sometimes a
//     shopping episode.
//   - Support contacts happen rarely, mostly in the ten days after a
//     purchase; each one raises the churn hazard (the effect decays with a
//     half-life of about 45 days).
//   - Churn: each day the person may start to drop out with their hazard
//     (×2.5 in the first 60 days after signup, ×0.5 within 30 days after a
//     purchase). Dropping out takes 2-7 weeks during which sessions, shopping
//     episodes and email opens fade linearly to 10%; then all activity stops
//     for good (including email sends: the address is suppressed).
//
// So future purchases are predictable, noisily, from recent product views,
// cart adds, email clicks and purchase history (the shopping episode is only
// partly visible), and churn from recency, frequency, trend, support contacts
// and falling email engagement.
//
// # Output formats
//
// CSV: events.csv with columns profile_id, timestamp (RFC 3339, UTC, whole
// seconds), event_type, value (order total, empty when none), channel,
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
