// SPDX-License-Identifier: GPL-3.0-or-later
// Runs sb::restapi::runServeApi() as its own program, the way `switchboard simulate --serve-api`
// will, so TestServeApi can check stdin, the ready line, seeding and a clean SIGTERM.
#include "restapi/ServeApi.h"

#include <QCoreApplication>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = QCoreApplication::arguments();
    args.removeFirst();
    return sb::restapi::runServeApi(args);
}
