// mpadjust.hpp - the C++ API in one include (static linking or in-tree builds; the shared
// library exports only the C ABI of mpadjust.h).
#pragma once

#include <mpadjust/error.hpp>
#include <mpadjust/credentials.hpp>
#include <mpadjust/sigv4.hpp>
#include <mpadjust/http.hpp>
#include <mpadjust/endpoints.hpp>
#include <mpadjust/model.hpp>
#include <mpadjust/client.hpp>
#include <mpadjust/money.hpp>
#include <mpadjust/journal.hpp>
#include <mpadjust/adjustment.hpp>
