#!/usr/bin/env python3
# Computes the test vectors of FORMAT.md §5.5 (TestSipHashVectors in ../siphash_test.go) with an
# independent implementation of FORMAT.md §5.5 (SipHash-2-4-128 per-index keys) in Python,
# checked against the SipHash reference's 128-bit vectors.
import hmac, hashlib, struct
M=(1<<64)-1
def rotl(x,b): return ((x<<b)|(x>>(64-b)))&M
def sipround(v):
    v0,v1,v2,v3=v
    v0=(v0+v1)&M; v1=rotl(v1,13); v1^=v0; v0=rotl(v0,32)
    v2=(v2+v3)&M; v3=rotl(v3,16); v3^=v2
    v0=(v0+v3)&M; v3=rotl(v3,21); v3^=v0
    v2=(v2+v1)&M; v1=rotl(v1,17); v1^=v2; v2=rotl(v2,32)
    return [v0,v1,v2,v3]
def sip128(key,msg):
    k0,k1=struct.unpack('<QQ',key)
    v=[k0^0x736f6d6570736575,k1^0x646f72616e646f6d^0xee,k0^0x6c7967656e657261,k1^0x7465646279746573]
    n=len(msg); end=n-n%8
    for i in range(0,end,8):
        m=struct.unpack('<Q',msg[i:i+8])[0]
        v[3]^=m; v=sipround(sipround(v)); v[0]^=m
    b=(n&0xff)<<56
    for j,c in enumerate(msg[end:]): b|=c<<(8*j)
    v[3]^=b; v=sipround(sipround(v)); v[0]^=b
    v[2]^=0xee
    for _ in range(4): v=sipround(v)
    o1=v[0]^v[1]^v[2]^v[3]
    v[1]^=0xdd
    for _ in range(4): v=sipround(v)
    o2=v[0]^v[1]^v[2]^v[3]
    return struct.pack('<QQ',o1,o2)
import os, re
here = os.path.dirname(os.path.abspath(__file__))
src = open(os.path.join(here, '..', 'siphash_test.go')).read()
vec = re.findall(r'"([0-9a-f]{32})",', src.split('var sip128Vectors')[1].split('}')[0])
assert len(vec) == 64
key=bytes(range(16))
for i in range(64):
    assert sip128(key,bytes(range(i))).hex()==vec[i], i
print("SipHash-2-4-128 reference vectors (vectors.h, copied in ../siphash_test.go): ok")
def hkdf(ikm,salt,info,n):
    prk=hmac.new(salt,ikm,hashlib.sha256).digest()
    out=b''; t=b''; c=1
    while len(out)<n:
        t=hmac.new(prk,t+info+bytes([c]),hashlib.sha256).digest(); out+=t; c+=1
    return out[:n]
master=bytes(range(32)); salt=b'\xff'*32
check=hkdf(master,salt,b'leakcheck v1 key check',32)
print("mac key", hkdf(master,salt,b'leakcheck v1 mac',32).hex())
print("key check v3", hmac.new(check,b'leakcheck key check v3 siphash-2-4-128',hashlib.sha256).digest()[:16].hex())
for index,vals in [("phone",["+919876543210"]),("phone+name",["+919876543210","anita sharma"]),("phone+name+yob+gender",["+919876543210","अनीता शर्मा","1990","F"])]:
    k=hkdf(master,salt,b'leakcheck v3 siphash-2-4-128 entry\x00'+index.encode(),16)
    msg=b''.join(struct.pack('>H',len(v.encode()))+v.encode() for v in vals)
    print(index, "key", k.hex(), "msg", msg.hex(), "entry", sip128(k,msg).hex())
