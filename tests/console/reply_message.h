// A reply laid out as daemon/reply.cc sends one (mail/compose), for the
// console tests that read replies back.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "mail/compose.h"

namespace flexmail::testing {

inline OutgoingMessage ReplyMessage(const std::string& text,
                                    std::vector<OutgoingAttachment> attachments = {}) {
  OutgoingMessage m;
  m.from = {"declarations@flexmail.example", "flexmail"};
  m.to = {{"ops@engie.example", ""}};
  m.subject = "Re: Prévisions";
  m.message_id = "<declaration-7.flexmail@flexmail.example>";
  m.text = text;
  m.attachments = std::move(attachments);
  return m;
}

}  // namespace flexmail::testing
