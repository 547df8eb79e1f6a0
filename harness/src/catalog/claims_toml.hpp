#pragma once
// Reading TOML for the claims catalog: one table against a fixed set of keys, every error naming
// file, line and field. Private to claims.cpp (claim files) and catalog.cpp (catalog.toml).

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "claimbench/error.hpp"

namespace claimbench::claims_toml {

// Reads one TOML table against a fixed set of keys. Every error names file, line and field.
class TableReader {
 public:
  TableReader(const toml::table& table, const std::filesystem::path& file, std::string context)
      : table_(table), file_(file), context_(std::move(context)) {}

  std::string where(const toml::node* node) const {
    const auto line = node != nullptr ? node->source().begin.line : table_.source().begin.line;
    return fmt::format("{}:{}", file_.string(), line);
  }

  Expected<void> only(std::initializer_list<std::string_view> allowed) const {
    for (auto&& [key, value] : table_) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
        return fail(fmt::format("{}: unknown key '{}' in {} (allowed: {})", where(&value),
                                key.str(), context_, fmt::join(allowed, ", ")));
      }
    }
    return {};
  }

  Expected<std::string> text(std::string_view key, bool required) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
      if (required) {
        return fail(fmt::format("{}: {} is missing '{}'", where(nullptr), context_, key));
      }
      return std::string();
    }
    if (!node->is_string()) {
      return fail(fmt::format("{}: '{}' in {} must be a string", where(node), key, context_));
    }
    return std::string(*node->value<std::string>());
  }

  Expected<std::optional<double>> number(std::string_view key) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return std::optional<double>();
    if (!node->is_number()) {
      return fail(fmt::format("{}: '{}' in {} must be a number", where(node), key, context_));
    }
    return std::optional<double>(*node->value<double>());
  }

  Expected<std::optional<int>> positive_integer(std::string_view key) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return std::optional<int>();
    if (!node->is_integer() || *node->value<int64_t>() < 1 || *node->value<int64_t>() > 4096) {
      return fail(
          fmt::format("{}: '{}' in {} must be a positive integer", where(node), key, context_));
    }
    return std::optional<int>(static_cast<int>(*node->value<int64_t>()));
  }

  const std::filesystem::path& file() const { return file_; }

  int line_of(std::string_view key) const {
    const toml::node* node = table_.get(key);
    return static_cast<int>(node != nullptr ? node->source().begin.line
                                            : table_.source().begin.line);
  }

 private:
  const toml::table& table_;
  const std::filesystem::path& file_;
  std::string context_;
};

inline Expected<std::string> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(fmt::format("{}: cannot read it", file.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline Expected<toml::table> parse_toml(std::string_view text, const std::filesystem::path& file) {
  try {
    return toml::parse(text, file.string());
  } catch (const toml::parse_error& error) {
    return fail(
        fmt::format("{}:{}: {}", file.string(), error.source().begin.line, error.description()));
  }
}

}  // namespace claimbench::claims_toml

// Unwraps an Expected or returns its error from the enclosing function.
