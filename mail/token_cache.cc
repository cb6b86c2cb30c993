#include "mail/token_cache.h"

#include <algorithm>

namespace flexmail {

namespace {

// A token this close to its end is not handed out: the login it is for
// could outlast it.
constexpr std::chrono::seconds kExpiryMargin{30};

RenewalPolicy Normalised(RenewalPolicy p) {
  // A zero backoff would let a broken provider be asked at every Get.
  p.backoff_initial = std::max(p.backoff_initial, std::chrono::seconds(1));
  p.backoff_max = std::max(p.backoff_max, p.backoff_initial);
  return p;
}

Status WithKind(Status::Kind kind, std::string text) {
  switch (kind) {
    case Status::Kind::kTransient:
      return Status::Transient(std::move(text));
    case Status::Kind::kInvalidInput:
      return Status::InvalidInput(std::move(text));
    case Status::Kind::kNotFound:
      return Status::NotFound(std::move(text));
    case Status::Kind::kInternal:
      return Status::Internal(std::move(text));
    default:
      return Status::Permanent(std::move(text));
  }
}

}  // namespace

std::int64_t RealUnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

CachingTokenSource::CachingTokenSource(RenewalPolicy policy, SteadyNow steady_now)
    : policy_(Normalised(policy)),
      now_(steady_now ? std::move(steady_now) : SteadyNow(&std::chrono::steady_clock::now)),
      backoff_(policy_.backoff_initial) {}

Status CachingTokenSource::Get(std::string* token) {
  std::lock_guard<std::mutex> lock(mu_);
  const SteadyTime now = now_();
  if (held_ && now < renew_at_) {
    *token = *held_;
    return Status::Ok();
  }
  if (!failure_.ok() && now < next_try_) return FallBack(now, token);
  return FetchAndKeep(now, token);
}

Status CachingTokenSource::FetchAndKeep(SteadyTime now, std::string* token) {
  FreshToken fresh;
  ++requests_;
  Status s = Fetch(&fresh);
  if (!s.ok()) {
    failure_ = s;
    next_try_ = now + backoff_;
    backoff_ = std::min(backoff_ * 2, policy_.backoff_max);
    return FallBack(now, token);
  }
  failure_ = Status::Ok();
  backoff_ = policy_.backoff_initial;
  // Measured from the request's start: the provider's clock started earlier
  // than our reading of its answer.
  renew_at_ = now + fresh.renew_after;
  expiry_known_ = fresh.valid_for.count() > 0;
  expires_at_ = now + fresh.valid_for;
  held_ = std::move(fresh.token);
  set_warning(std::move(fresh.warning));
  *token = *held_;
  return Status::Ok();
}

Status CachingTokenSource::FallBack(SteadyTime now, std::string* token) {
  if (held_ && expiry_known_ && now + kExpiryMargin < expires_at_) {
    set_warning("could not renew the token (" + failure_.message() +
                "); using the current one until it expires");
    *token = *held_;
    return Status::Ok();
  }
  const auto left = std::chrono::ceil<std::chrono::seconds>(next_try_ - now);
  return WithKind(failure_.kind(),
                  failure_.message() + " (next try in " + std::to_string(left.count()) + " s)");
}

void CachingTokenSource::Refused(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!held_ || *held_ != token) return;  // already replaced
  const SteadyTime now = now_();
  if (last_forced_ && now - *last_forced_ < policy_.forced_renewal_interval) return;
  held_.reset();
  last_forced_ = now;
}

std::string CachingTokenSource::last_warning() const {
  std::lock_guard<std::mutex> lock(warning_mu_);
  return warning_;
}

void CachingTokenSource::set_warning(std::string warning) {
  std::lock_guard<std::mutex> lock(warning_mu_);
  warning_ = std::move(warning);
}

}  // namespace flexmail
