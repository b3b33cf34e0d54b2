// SPDX-License-Identifier: GPL-3.0-or-later
#include "calls/FlowLibrary.h"

#include <QDir>
#include <QFile>

static void initFlowResources()
{
    Q_INIT_RESOURCE(sb_flows);
}

namespace sb::calls {
namespace {

void loadFolder(const QString& folder, QMap<QString, Flow>& flows, QList<Error>& problems)
{
    const QDir dir(folder);
    for (const QString& entry : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        const QString path = dir.filePath(entry);
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            problems.append(makeError(QStringLiteral("flow-unreadable"),
                                      QStringLiteral("%1: cannot read: %2").arg(path, file.errorString())));
            continue;
        }
        const Result<Flow> flow = parseFlow(file.read(256 * 1024), path);
        if (!flow.ok()) {
            problems.append(flow.error());
            continue;
        }
        flows.insert(flow->name, flow.value());
    }
}

} // namespace

FlowLibrary FlowLibrary::load(const QString& userFolder)
{
    initFlowResources();
    FlowLibrary library;
    loadFolder(QStringLiteral(":/flows"), library.m_flows, library.m_problems);
    if (!userFolder.isEmpty() && QDir(userFolder).exists())
        loadFolder(userFolder, library.m_flows, library.m_problems);
    return library;
}

const Flow* FlowLibrary::find(const QString& name) const
{
    auto it = m_flows.constFind(name);
    return it == m_flows.constEnd() ? nullptr : &it.value();
}

} // namespace sb::calls
