#pragma once
/// @file
/// Suggestions for misspelt names: the closest candidate by edit distance, if close enough.
#include <optional>
#include <string>
#include <vector>

namespace tessera {

/// The candidate nearest to `word` when at most a third of its letters (and at least one) differ.
std::optional<std::string> closest_match(const std::string& word, const std::vector<std::string>& candidates);
/// " (did you mean 'x'?)" or "" — ready to append to a message.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace tessera
