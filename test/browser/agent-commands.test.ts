// The agent commands other browser tests use (commands/agent.ts) against the real agent API: a device
// writes in the chat document, the agent sees it, answers, and the device pulls the answer.
import { expect } from '@open-wc/testing';
import { agent } from './agent.ts';
import { openSyncPage, resetBackend, waitFor } from './helpers.ts';

describe('agent commands (real agent API)', () => {
  beforeEach(resetBackend);

  it('list, profile, reply by anonymous id, typing and the agent stream', async () => {
    const phone = await openSyncPage('phone');
    const anonymousId = await phone.eval<string>('localStorage.aid');
    await agent.openStream();
    await phone.set('chat', 'm:c1', { text: 'Hello?', from: 'customer', at: Date.now() });
    await phone.sync();
    const [conversation] = await agent.conversations();
    expect(conversation.lastMessage.text).to.equal('Hello?');
    expect(conversation.unread).to.equal(1);
    const profile = await agent.profile({ anonymousId });
    expect(profile.profileId).to.equal(conversation.profileId);
    expect(profile.devices.map((d) => d.anonymousId)).to.deep.equal([anonymousId]);

    await agent.typing({ anonymousId }, true, 'Mia');
    const sent = await agent.reply({ anonymousId }, 'Hi, Mia here', 'Mia');
    expect(sent.profileId).to.equal(conversation.profileId);
    await waitFor(async () => (await phone.entries('chat')).some(([key]) => key === `m:${sent.id}`), {
      message: 'the device pulled the reply',
    });
    await agent.read({ profileId: sent.profileId });
    expect((await agent.conversations())[0].unread).to.equal(0);
    await waitFor(async () => (await agent.streamEvents()).some((e) => e.event === 'message'), {
      message: 'the agent stream heard the conversation',
    });
    await agent.closeStream();
  });
});
